import { appView } from '../admin/app-view.js';
import type { User } from '../domain/user.js';
import type { SecretInfo } from '../admin/secret-info.js';
import type { FamilyInfo, SessionInfo } from '../admin/access-service.js';
import type { KeyInfo, StagedKey } from '../keys/key-ring.js';

/** JSON schemas of the admin API (each becomes part of the OpenAPI document) and the views they describe. */

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const strings = { type: 'array', items: str } as const;
const alg = { type: 'string', enum: ['RS256', 'ES256', 'EdDSA'] } as const;
const accessTokensPolicy = { type: 'string', enum: ['none', 'users', 'admins'], description: 'who may issue long-lived reference tokens for the app' } as const;

export function object(properties: Record<string, unknown>, required: string[] = Object.keys(properties)) {
  return { type: 'object', properties, required, additionalProperties: false } as const;
}

export const problemSchema = {
  $id: 'Problem',
  ...object(
    {
      type: str,
      title: str,
      status: { type: 'integer' },
      detail: str,
      reason: str,
      fields: strings,
      requestId: str,
    },
    ['type', 'title', 'status', 'detail', 'reason', 'fields'],
  ),
  description: 'RFC 9457 problem details (application/problem+json) with the structured reason',
} as const;

export const appSchema = object({
  clientId: str,
  displayName: str,
  clientType: { type: 'string', enum: ['public', 'confidential'] },
  builtIn: bool,
  enabled: bool,
  loginRedirectUris: strings,
  logoutRedirectUris: strings,
  scopes: strings,
  allowInternalUsers: bool,
  allowCommunityUsers: bool,
  allowRefreshTokens: bool,
  requireConsent: bool,
  requireMfa: bool,
  adminApi: bool,
  requirePar: bool,
  requireDpop: bool,
  accessTokens: accessTokensPolicy,
  accessTokenLifetime: { type: 'integer' },
  refreshTokenLifetime: { type: 'integer' },
  idTokenSignedResponseAlg: nullable(alg),
  accessTokenSigningAlg: nullable(alg),
  refreshReuseGraceSeconds: { ...nullable({ type: 'integer' }), description: "null: the server's REFRESH_REUSE_GRACE_SECONDS" },
  systemUserId: { ...nullable(str), description: 'the user a service app acts as with client_credentials' },
  jwks: { ...nullable({ type: 'object' }), description: 'private_key_jwt: the public keys as a JWK Set' },
  jwksUri: { ...nullable(str), description: 'private_key_jwt: where the app publishes its public keys' },
  createdAt: time,
  updatedAt: time,
});

/** The writable fields of an app (create: clientId, displayName, clientType and loginRedirectUris required). */
export const appWritable = {
  displayName: str,
  clientType: { type: 'string', enum: ['public', 'confidential'] },
  secret: str,
  generateSecret: bool,
  loginRedirectUris: strings,
  logoutRedirectUris: strings,
  scopes: { anyOf: [strings, str] },
  allowInternalUsers: bool,
  allowCommunityUsers: bool,
  allowRefreshTokens: bool,
  requireConsent: bool,
  requireMfa: bool,
  adminApi: bool,
  accessTokens: accessTokensPolicy,
  enabled: bool,
  accessTokenLifetime: { type: 'integer' },
  refreshTokenLifetime: { type: 'integer' },
  idTokenSignedResponseAlg: nullable(alg),
  accessTokenSigningAlg: nullable(alg),
  requirePar: bool,
  requireDpop: bool,
  refreshReuseGraceSeconds: { ...nullable({ type: 'integer' }), description: "seconds; null: the server's REFRESH_REUSE_GRACE_SECONDS" },
  systemUser: { ...nullable(str), description: "a service app's system user (login); null removes it" },
  jwks: { ...nullable({ type: 'object' }), description: 'private_key_jwt: the public keys as a JWK Set; null removes them' },
  jwksUri: { ...nullable(str), description: 'private_key_jwt: https URL of the public keys; null removes it' },
} as const;

export const secretSchema = object({
  id: str,
  description: nullable(str),
  createdAt: time,
  expiresAt: nullable(time),
  revokedAt: nullable(time),
  status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
});

export const userSchema = object({
  id: str,
  login: str,
  displayName: str,
  email: nullable(str),
  emailVerified: bool,
  locale: nullable(str),
  kind: { type: 'string', enum: ['internal', 'community'] },
  isAdmin: bool,
  enabled: bool,
  requireMfa: bool,
  hasSecondFactor: bool,
  createdAt: time,
  updatedAt: time,
});

export const sessionSchema = object({
  sid: str,
  userId: str,
  authTime: time,
  amr: strings,
  createdAt: time,
  lastSeenAt: time,
  expiresAt: time,
});

export const familySchema = object({
  id: str,
  clientId: str,
  userId: str,
  scope: strings,
  sid: str,
  createdAt: time,
  expiresAt: time,
});

export const keySchema = object({
  kid: str,
  alg: str,
  state: str,
  current: bool,
  published: bool,
  encrypted: bool,
  createdAt: time,
  publishFrom: time,
  signFrom: time,
  retiredAt: nullable(time),
  publishUntil: nullable(time),
});

export const stagedKeySchema = object({
  kid: str,
  alg: str,
  publishFrom: time,
  signFrom: time,
  replaced: strings,
  replacedPublishedUntil: nullable(time),
});

/** The answers every authenticated route may give besides its own. */
export const errorResponses = {
  400: { $ref: 'Problem#' },
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  404: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
} as const;

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The admin API's view of an app is the one the CLI prints with `--json`. */
export const appJson = appView;

export function secretJson(secret: SecretInfo) {
  return { ...secret, createdAt: iso(secret.createdAt), expiresAt: iso(secret.expiresAt), revokedAt: iso(secret.revokedAt) };
}

export function userJson(user: User) {
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    email: user.email,
    emailVerified: user.emailVerified,
    locale: user.locale,
    kind: user.kind,
    isAdmin: user.isAdmin,
    enabled: user.enabled,
    requireMfa: user.requireMfa,
    hasSecondFactor: user.hasSecondFactor,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

export function sessionJson(session: SessionInfo) {
  return {
    ...session,
    authTime: iso(session.authTime * 1000),
    createdAt: iso(session.createdAt),
    lastSeenAt: iso(session.lastSeenAt),
    expiresAt: iso(session.expiresAt),
  };
}

export function familyJson(family: FamilyInfo) {
  return { ...family, createdAt: iso(family.createdAt), expiresAt: iso(family.expiresAt) };
}

export function keyJson(key: KeyInfo) {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    current: key.current,
    published: key.published,
    encrypted: key.encrypted,
    createdAt: iso(key.createdAt),
    publishFrom: iso(key.publishFrom),
    signFrom: iso(key.signFrom),
    retiredAt: iso(key.retiredAt),
    publishUntil: iso(key.publishUntil),
  };
}

export function stagedKeyJson(key: StagedKey) {
  return { ...key, publishFrom: iso(key.publishFrom), signFrom: iso(key.signFrom), replacedPublishedUntil: iso(key.replacedPublishedUntil) };
}
