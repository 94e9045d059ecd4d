import { invalidClient, type OAuthError } from '../errors/oauth-error.js';

/** RFC 7523 2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How far ahead a client assertion's `exp` may lie: assertions are made per request. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clock difference tolerated between the app and the server, for `exp`, `nbf` and `iat`. */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 10;
export const MAX_ASSERTION_JTI_LENGTH = 256;
export const MAX_ASSERTION_LENGTH = 8192;

/** A client assertion whose signature and claims were verified and whose `jti` was used up. */
export interface VerifiedClientAssertion {
  readonly clientId: string;
  readonly jti: string;
}

/** What the claims of a verified client assertion are checked against. */
export interface AssertionExpectations {
  clientId: string;
  /** the issuer */
  issuer: string;
  /** the token endpoint URL */
  tokenEndpoint: string;
  /** epoch milliseconds */
  now: number;
}

export const assertionFailure = (description: string): OAuthError => invalidClient(description);

/**
 * The claims of a client assertion (RFC 7523 3, OpenID Connect Core 9), after its signature was verified:
 * `iss` and `sub` are the client_id; `aud` names the token endpoint or the issuer; `exp` is required, in
 * the future and at most five minutes ahead; `jti` is required (its single use is the store's job).
 * Returns the jti and the expiry (epoch milliseconds) to record it until.
 */
export function checkAssertionClaims(payload: Record<string, unknown>, expected: AssertionExpectations): { jti: string; expiresAt: number } {
  const nowSeconds = expected.now / 1000;
  if (payload.iss !== expected.clientId) throw assertionFailure('the client assertion\'s "iss" must be the client_id of the app');
  if (payload.sub !== expected.clientId) throw assertionFailure('the client assertion\'s "sub" must be the client_id of the app');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((aud) => aud === expected.tokenEndpoint || aud === expected.issuer)) {
    throw assertionFailure(
      `the client assertion's "aud" must be the token endpoint (${expected.tokenEndpoint}) or the issuer (${expected.issuer})`,
    );
  }
  const { exp, nbf, iat, jti } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw assertionFailure('the client assertion must have an "exp" (expiry) claim');
  if (exp <= nowSeconds - ASSERTION_CLOCK_TOLERANCE_SECONDS) throw assertionFailure('the client assertion has expired');
  if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + ASSERTION_CLOCK_TOLERANCE_SECONDS) {
    throw assertionFailure(
      `the client assertion's "exp" is too far ahead: at most ${MAX_ASSERTION_LIFETIME_SECONDS / 60} minutes after now; make a new assertion for every request`,
    );
  }
  if (typeof nbf === 'number' && nbf > nowSeconds + ASSERTION_CLOCK_TOLERANCE_SECONDS) {
    throw assertionFailure('the client assertion is not valid yet ("nbf" is in the future)');
  }
  if (typeof iat === 'number' && iat > nowSeconds + ASSERTION_CLOCK_TOLERANCE_SECONDS) {
    throw assertionFailure('the client assertion was issued in the future ("iat"); check the app\'s clock');
  }
  if (typeof jti !== 'string' || jti.length === 0) throw assertionFailure('the client assertion must have a "jti" claim (a unique id)');
  if (jti.length > MAX_ASSERTION_JTI_LENGTH) throw assertionFailure(`the client assertion's "jti" is longer than ${MAX_ASSERTION_JTI_LENGTH} characters`);
  // kept until no check could accept it any more
  return { jti, expiresAt: (exp + ASSERTION_CLOCK_TOLERANCE_SECONDS) * 1000 };
}
