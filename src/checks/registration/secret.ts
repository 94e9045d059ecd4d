import { invalid } from '../../errors/admin-error.js';

export const MIN_CLIENT_SECRET_LENGTH = 32;
export const MAX_CLIENT_SECRET_LENGTH = 512;

/**
 * A secret given by hand. Client secrets are stored as SHA-256 hashes and compared in constant time
 * (not with a slow password hash), so they must be unguessable on their own: at least 32 characters.
 */
export function checkClientSecret(secret: string): string {
  if (secret.length < MIN_CLIENT_SECRET_LENGTH) {
    throw invalid(
      'secret_too_short',
      `the client secret is too short: it must be at least ${MIN_CLIENT_SECRET_LENGTH} characters so it cannot be ` +
        'guessed (secrets are stored as SHA-256 hashes, not slow password hashes); or ask for one to be generated',
      ['secret'],
    );
  }
  if (secret.length > MAX_CLIENT_SECRET_LENGTH) {
    throw invalid('secret_invalid', `the client secret is too long: at most ${MAX_CLIENT_SECRET_LENGTH} characters`, ['secret']);
  }
  if (!/^[\x21-\x7e]+$/.test(secret)) {
    throw invalid('secret_invalid', 'the client secret must use printable ASCII characters only, without spaces', ['secret']);
  }
  return secret;
}
