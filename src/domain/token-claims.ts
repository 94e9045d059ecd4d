import type { User } from './user.js';
import { acrOf } from './authentication-level.js';

/**
 * The claims of the tokens Trustgate issues. The access token (RFC 9068) carries only what an API needs
 * to authorize a call; profile and email claims travel in the ID token and at userinfo, and only when
 * the granted scopes allow them (OpenID Connect Core 5.4).
 */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  sub: string;
  client_id: string;
  scope: string;
  sid: string;
  auth_time: number;
  /** the level the sign-in reached (domain/authentication-level.ts) */
  acr: string;
  user_kind: string;
  /** RFC 9449 6.1: the token is bound to the DPoP key with this JWK SHA-256 thumbprint */
  cnf?: { jkt: string };
}

/** The grant an access token (and ID token) is minted from. */
export interface TokenGrant {
  clientId: string;
  user: User;
  scope: string[];
  sid: string;
  /** epoch seconds */
  authTime: number;
  amr: string[];
}

/** A single audience is a string, several an array (RFC 7519 4.1.3). */
export function audienceClaim(audiences: readonly string[]): string | string[] {
  return audiences.length === 1 ? audiences[0]! : [...audiences];
}

export function accessTokenClaims(
  grant: TokenGrant,
  options: { issuer: string; audiences: readonly string[]; jti: string; iat: number; lifetime: number },
): AccessTokenClaims {
  return { ...serviceAccessTokenClaims(grant, options), sid: grant.sid, auth_time: grant.authTime, acr: acrOf(grant.amr) };
}

/**
 * The claims every access token has; alone, the access token of a service app (grant_type=
 * client_credentials): no sign-in stands behind it, so no `sid`, `auth_time` or `acr`; `sub` is the
 * app's system user and `user_kind` that user's kind.
 */
export type ServiceAccessTokenClaims = Omit<AccessTokenClaims, 'sid' | 'auth_time' | 'acr'>;

export function serviceAccessTokenClaims(
  grant: { clientId: string; user: User; scope: readonly string[] },
  options: { issuer: string; audiences: readonly string[]; jti: string; iat: number; lifetime: number },
): ServiceAccessTokenClaims {
  return {
    iss: options.issuer,
    aud: audienceClaim(options.audiences),
    iat: options.iat,
    nbf: options.iat,
    exp: options.iat + options.lifetime,
    jti: options.jti,
    sub: grant.user.id,
    client_id: grant.clientId,
    scope: grant.scope.join(' '),
    user_kind: grant.user.kind,
  };
}

/** Claims about the user that the scopes allow (sub always). Used by the ID token and userinfo. */
export function userClaims(user: User, scope: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scope.includes('profile')) {
    claims.name = user.displayName;
    claims.preferred_username = user.login;
    if (user.locale) claims.locale = user.locale;
  }
  if (scope.includes('email') && user.email) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  return claims;
}

export function idTokenClaims(
  grant: TokenGrant,
  options: { issuer: string; iat: number; lifetime: number; nonce: string | null; atHash: string },
): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: options.issuer,
    ...userClaims(grant.user, grant.scope),
    aud: grant.clientId,
    exp: options.iat + options.lifetime,
    iat: options.iat,
    auth_time: grant.authTime,
  };
  if (options.nonce !== null) claims.nonce = options.nonce;
  claims.sid = grant.sid;
  claims.amr = grant.amr;
  claims.acr = acrOf(grant.amr);
  claims.at_hash = options.atHash;
  return claims;
}
