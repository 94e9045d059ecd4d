import { invalid } from '../../errors/admin-error.js';

export const MAX_CLIENT_ID_LENGTH = 200;

/**
 * Characters an ApplicationUri (client_id) may use: the visible ASCII characters of RFC 6749's VSCHAR
 * (so URIs such as https://app.example.com/x or urn:vendor:app work), without space and without the
 * characters that could smuggle quoting or markup into pages, headers and logs: " \ < > `.
 * Clients send it form-encoded, so "%", "&", "+" and ":" travel safely (RFC 6749 2.3.1).
 */
const CLIENT_ID = /^[\x21\x23-\x3b\x3d\x3f-\x5b\x5d-\x5f\x61-\x7e]+$/;

/** Validates an ApplicationUri such as `my.trusted.app/first` or `com.vendor/app`. */
export function checkClientId(clientId: string): string {
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw invalid('client_id_invalid', 'the ApplicationUri (client_id) must not be empty', ['clientId']);
  }
  if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw invalid(
      'client_id_invalid',
      `the ApplicationUri "${clientId.slice(0, 40)}…" is too long: at most ${MAX_CLIENT_ID_LENGTH} characters`,
      ['clientId'],
    );
  }
  if (!CLIENT_ID.test(clientId)) {
    throw invalid(
      'client_id_invalid',
      `the ApplicationUri ${JSON.stringify(clientId)} is refused: it must use only visible ASCII characters ` +
        '(no spaces, control characters, non-ASCII letters, quotes, backslashes, backticks or angle brackets)',
      ['clientId'],
    );
  }
  return clientId;
}
