import type { SigningAlg } from './signing-alg.js';

export type ClientType = 'public' | 'confidential';
export type UserKind = 'internal' | 'community';
/**
 * Who may issue long-lived reference tokens for the app (the reference file's AccessTokens): nobody,
 * signed-in users for themselves (and administrators), or administrators only.
 */
export type AccessTokensPolicy = 'none' | 'users' | 'admins';
export const ACCESS_TOKENS_POLICIES: readonly AccessTokensPolicy[] = ['none', 'users', 'admins'];

/** A registered app (the seed's Trusted Application). `clientId` is its ApplicationUri. */
export interface TrustedApplication {
  clientId: string;
  displayName: string;
  clientType: ClientType;
  loginRedirectUris: string[];
  logoutRedirectUris: string[];
  allowInternalUsers: boolean;
  allowCommunityUsers: boolean;
  /** API scopes the app may request (protocol scopes are always allowed, offline_access only with refresh tokens) */
  scopes: string[];
  allowRefreshTokens: boolean;
  requireConsent: boolean;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  /** signs the app's ID tokens (OpenID Connect Registration `id_token_signed_response_alg`); null: SIGNING_ALG */
  idTokenSignedResponseAlg: SigningAlg | null;
  /** signs the app's access tokens; null: SIGNING_ALG */
  accessTokenSigningAlg: SigningAlg | null;
  /** the refresh-token reuse grace window in seconds (0: none); null: REFRESH_REUSE_GRACE_SECONDS */
  refreshReuseGraceSeconds: number | null;
  enabled: boolean;
  /** users must use a second factor to sign in to this app */
  requireMfa: boolean;
  /**
   * The app may request the scope `trustgate:admin` (an access token for the admin API): only apps an
   * administrator allowed, and the built-in console. Absent: false.
   */
  adminApi?: boolean;
  /** the app's authorization requests must be pushed first (RFC 9126, {issuer}/connect/par) */
  requirePar: boolean;
  /** the app's token requests must carry a DPoP proof (RFC 9449): its tokens are always key-bound */
  requireDpop: boolean;
  /** who may issue long-lived reference tokens for the app */
  accessTokens: AccessTokensPolicy;
  /**
   * The user a service app acts as with grant_type=client_credentials (the seed's SystemUser: the
   * user's id); null or absent: the app has no service access.
   */
  systemUserId?: string | null;
  /** public keys the app signs its client assertions with (private_key_jwt), registered by value */
  jwks?: JsonWebKeySet | null;
  /** where the app publishes those keys instead (https; http only on a loopback host) */
  jwksUri?: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A JWK Set of public keys (RFC 7517 5). */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/** The app has public keys registered, so it may authenticate with private_key_jwt (RFC 7523). */
export function hasClientKeys(app: Pick<TrustedApplication, 'jwks' | 'jwksUri'>): boolean {
  return Boolean(app.jwks) || Boolean(app.jwksUri);
}

export interface ClientSecret {
  id: string;
  clientId: string;
  secretHash: string;
  description: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export const DEFAULT_ACCESS_TOKEN_LIFETIME = 3600;
export const DEFAULT_REFRESH_TOKEN_LIFETIME: Record<ClientType, number> = {
  confidential: 30 * 86400,
  public: 86400,
};

/** The scope of an access token for the admin API (`{issuer}/admin/api/v1`). Never a registered API scope. */
export const ADMIN_SCOPE = 'trustgate:admin';
/**
 * The reuse grace window's default: long enough for tabs refreshing at once (milliseconds apart) and for a
 * client's retry after a lost response (HTTP clients time out after 10–30 s), short enough that a token
 * leaked after its use is worthless half a minute later (docs/refresh-tokens.md).
 */
export const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 30;
export const MAX_REFRESH_REUSE_GRACE_SECONDS = 300;

/** Protocol scopes every app may request (offline_access also needs allowRefreshTokens). */
export const PROTOCOL_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** The algorithms the app's tokens are signed with. */
export interface TokenSigningAlgs {
  accessToken: SigningAlg;
  idToken: SigningAlg;
}

/** The app's own choices, or the server's SIGNING_ALG where it made none. */
export function tokenSigningAlgs(
  app: Pick<TrustedApplication, 'accessTokenSigningAlg' | 'idTokenSignedResponseAlg'>,
  serverDefault: SigningAlg,
): TokenSigningAlgs {
  return { accessToken: app.accessTokenSigningAlg ?? serverDefault, idToken: app.idTokenSignedResponseAlg ?? serverDefault };
}

export function allowsUserKind(app: TrustedApplication, kind: UserKind): boolean {
  return kind === 'internal' ? app.allowInternalUsers : app.allowCommunityUsers;
}

export function isSecretActive(secret: ClientSecret, now: number): boolean {
  return secret.revokedAt === null && (secret.expiresAt === null || secret.expiresAt > now);
}
