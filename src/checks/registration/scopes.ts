import { invalid } from '../../errors/admin-error.js';
import { ADMIN_SCOPE, PROTOCOL_SCOPES } from '../../domain/trusted-application.js';

/** Scopes that no registered app may ever be given (reserved for the instance's security infrastructure). */
export const RESERVED_SCOPES = ['sec'] as const;
export const MAX_SCOPES = 50;
export const MAX_SCOPE_LENGTH = 100;

/** RFC 6749 3.3: scope-token = 1*NQCHAR; NQCHAR = %x21 / %x23-5B / %x5D-7E */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Validates the API scopes an app may be granted, given space-delimited (`read update`) or as a list.
 * Protocol scopes (openid, profile, email, offline_access) are always available to every app and
 * are therefore accepted and dropped; offline_access is refused when refresh tokens are off, because
 * the registration would contradict itself. `sec` is reserved and refused.
 */
export function checkScopes(input: string | readonly string[], allowRefreshTokens: boolean): string[] {
  const tokens = typeof input === 'string' ? input.split(' ') : [...input];
  if (typeof input === 'string' && /[\t\r\n]/.test(input)) {
    throw invalid('scope_invalid', 'scopes must be separated by single spaces, e.g. "read update"', ['scopes']);
  }
  const result: string[] = [];
  for (const token of tokens) {
    if (token === '') continue;
    if (token.length > MAX_SCOPE_LENGTH || !SCOPE_TOKEN.test(token)) {
      throw invalid(
        'scope_invalid',
        `the scope ${JSON.stringify(token.slice(0, MAX_SCOPE_LENGTH + 1))} is refused: a scope is 1 to ` +
          `${MAX_SCOPE_LENGTH} printable characters without spaces, quotes (") or backslashes (RFC 6749 section 3.3)`,
        ['scopes'],
      );
    }
    if ((RESERVED_SCOPES as readonly string[]).includes(token)) {
      throw invalid(
        'scope_reserved',
        `the scope "${token}" is reserved for the instance's security infrastructure and cannot be given to an app`,
        ['scopes'],
      );
    }
    if (token === ADMIN_SCOPE) {
      throw invalid(
        'scope_admin_api',
        `the scope "${ADMIN_SCOPE}" is not an API scope: allow the app to call the admin API instead (adminApi)`,
        ['scopes', 'adminApi'],
      );
    }
    if (token === 'offline_access' && !allowRefreshTokens) {
      throw invalid(
        'scope_needs_refresh_tokens',
        'the scope "offline_access" asks for refresh tokens, but refresh tokens are turned off for this app',
        ['scopes', 'allowRefreshTokens'],
      );
    }
    if ((PROTOCOL_SCOPES as readonly string[]).includes(token)) continue;
    if (!result.includes(token)) result.push(token);
  }
  if (result.length > MAX_SCOPES) throw invalid('too_many_scopes', `too many scopes: at most ${MAX_SCOPES}`, ['scopes']);
  return result;
}
