import { AdminError } from '../../errors/admin-error.js';

export const MAX_CLIENT_ID_LENGTH = 200;

/**
 * Characters an ApplicationUri (client_id) may use: RFC 3986 unreserved characters plus "/", ":" and "@".
 * They survive URLs, form encoding and HTTP Basic authentication unchanged, and cannot smuggle
 * spaces, quotes, "%" escapes or markup into logs, pages and headers.
 */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._~\-/:@]*$/;

/** Validates an ApplicationUri such as `my.trusted.app/first` or `com.vendor/app`. */
export function checkClientId(clientId: string): string {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new AdminError('the ApplicationUri (client_id) must not be empty');
  }
  if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new AdminError(
      `the ApplicationUri "${clientId.slice(0, 40)}…" is too long: at most ${MAX_CLIENT_ID_LENGTH} characters`,
    );
  }
  if (!CLIENT_ID.test(clientId)) {
    throw new AdminError(
      `the ApplicationUri ${JSON.stringify(clientId)} is refused: it must start with a letter or digit and ` +
        'use only letters, digits and . _ ~ - / : @ (no spaces, quotes, % or other characters)',
    );
  }
  return clientId;
}
