import { invalidRequest, missingToken } from './bearer-error.js';

/** RFC 6750 2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface BearerRequestParts {
  /** the Authorization header(s) as received */
  authorization: string | string[] | undefined;
  /** whether the URL query carries `access_token` (never accepted: URLs end up in logs and history) */
  queryHasAccessToken?: boolean;
  /** whether a form body carries `access_token` (this API only accepts the header) */
  bodyHasAccessToken?: boolean;
}

/**
 * Extracts the bearer token from the Authorization header (RFC 6750 2.1), the only method accepted.
 * Throws a BearerError: no credentials → 401 without an error code (RFC 6750 3.1); a malformed
 * header, several headers, or a token in the URL or body → 400 invalid_request.
 */
export function extractBearerToken(parts: BearerRequestParts): string {
  const { authorization } = parts;
  if (Array.isArray(authorization)) {
    throw invalidRequest('send exactly one Authorization header');
  }
  if (parts.queryHasAccessToken) {
    throw invalidRequest('access tokens in the URL are not accepted; send "Authorization: Bearer <access token>"');
  }
  if (parts.bodyHasAccessToken) {
    throw invalidRequest('access tokens in the request body are not accepted; send "Authorization: Bearer <access token>"');
  }
  if (authorization === undefined || authorization.trim() === '') throw missingToken();
  const match = /^(\S+)(?: +(.*))?$/.exec(authorization.trim());
  if (!match || match[1]!.toLowerCase() !== 'bearer') {
    // another scheme (Basic, DPoP, ...): no bearer credentials were presented
    throw missingToken();
  }
  const token = match[2]?.trim() ?? '';
  if (token === '') throw invalidRequest('the Authorization header has the Bearer scheme but no token');
  if (!B64TOKEN.test(token)) {
    throw invalidRequest('the Authorization header is malformed: expected "Bearer <access token>"');
  }
  return token;
}
