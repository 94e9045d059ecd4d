import { invalid } from '../../errors/admin-error.js';

export const MAX_DISPLAY_NAME_LENGTH = 200;

/**
 * A name shown to people (app name on the consent page, user name): 1–200 characters, no control
 * characters. `what` names it in the message, `field` is the input field refused.
 */
export function checkDisplayName(name: string, what = 'display name', field = 'displayName'): string {
  const refuse = (message: string) => invalid('display_name_invalid', message, [field]);
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0) throw refuse(`the ${what} must not be empty`);
  if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
    throw refuse(`the ${what} is too long: at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  if (/[\x00-\x1f\x7f]/.test(trimmed)) throw refuse(`the ${what} must not contain control characters`);
  // a lone UTF-16 surrogate has no UTF-8 form: each database would store something else than was sent
  if (!trimmed.isWellFormed()) throw refuse(`the ${what} must be valid Unicode text`);
  return trimmed;
}
