import { isBuiltInClientId } from '../domain/built-in-apps.js';
import type { TrustedApplication } from '../domain/trusted-application.js';

/**
 * An app as scripts see it (the CLI's JSON output, the admin API): every setting, never a secret or a hash.
 * One view, so the CLI and the admin API cannot drift apart as settings are added.
 */
export function appView(app: TrustedApplication) {
  return {
    clientId: app.clientId,
    displayName: app.displayName,
    clientType: app.clientType,
    builtIn: isBuiltInClientId(app.clientId),
    enabled: app.enabled,
    loginRedirectUris: app.loginRedirectUris,
    logoutRedirectUris: app.logoutRedirectUris,
    scopes: app.scopes,
    allowInternalUsers: app.allowInternalUsers,
    allowCommunityUsers: app.allowCommunityUsers,
    allowRefreshTokens: app.allowRefreshTokens,
    requireConsent: app.requireConsent,
    requireMfa: app.requireMfa,
    adminApi: app.adminApi === true,
    requirePar: app.requirePar,
    requireDpop: app.requireDpop,
    accessTokenLifetime: app.accessTokenLifetime,
    refreshTokenLifetime: app.refreshTokenLifetime,
    // null: the server's SIGNING_ALG
    idTokenSignedResponseAlg: app.idTokenSignedResponseAlg,
    accessTokenSigningAlg: app.accessTokenSigningAlg,
    // null: the server's REFRESH_REUSE_GRACE_SECONDS
    refreshReuseGraceSeconds: app.refreshReuseGraceSeconds,
    accessTokens: app.accessTokens,
    // the user a service app acts as (client_credentials); null: none
    systemUserId: app.systemUserId ?? null,
    // private_key_jwt: the public keys by value, or where they are published
    jwks: app.jwks ?? null,
    jwksUri: app.jwksUri ?? null,
    createdAt: new Date(app.createdAt).toISOString(),
    updatedAt: new Date(app.updatedAt).toISOString(),
  };
}
