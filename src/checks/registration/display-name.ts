import { AdminError } from '../../errors/admin-error.js';

export const MAX_DISPLAY_NAME_LENGTH = 200;

/** A name shown to people (app name on the consent page, user name): 1–200 characters, no control characters. */
export function checkDisplayName(name: string, what = 'display name'): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0) throw new AdminError(`the ${what} must not be empty`);
  if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new AdminError(`the ${what} is too long: at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  if (/[\x00-\x1f\x7f]/.test(trimmed)) throw new AdminError(`the ${what} must not contain control characters`);
  return trimmed;
}
