import type { Config } from '../config/config.js';
import { ADMIN_SCOPE, DEFAULT_REFRESH_TOKEN_LIFETIME, type TrustedApplication } from './trusted-application.js';

/** ApplicationUris with this prefix belong to apps built into Trustgate; administrators cannot create or change them. */
export const BUILT_IN_CLIENT_PREFIX = 'urn:trustgate:';

/** The account area (`{issuer}/account`): a first-party app of Trustgate itself, so every sign-in rule applies to it. */
export const ACCOUNT_CLIENT_ID = 'urn:trustgate:account';

/** What the account area asks for at sign-in (protocol scopes only: it calls no API). */
export const ACCOUNT_SCOPE = 'openid profile email';

/** The account app's access tokens are redeemed and thrown away at once; the shortest allowed lifetime will do. */
const ACCOUNT_ACCESS_TOKEN_LIFETIME = 60;

const MAX_DISPLAY_NAME_LENGTH = 200;

export function isBuiltInClientId(clientId: string): boolean {
  return clientId.startsWith(BUILT_IN_CLIENT_PREFIX);
}

/** Where the authorization code of an account sign-in comes back to. */
export function accountCallbackUrl(issuer: string): string {
  return `${issuer}/account/callback`;
}

/**
 * The account app as every node registers it at start-up: public (PKCE), internal and community users,
 * no consent (it is Trustgate itself), no refresh tokens.
 */
export function accountApp(config: Pick<Config, 'issuer' | 'instanceName'>, now: number): TrustedApplication {
  return {
    clientId: ACCOUNT_CLIENT_ID,
    displayName: `${config.instanceName} account`.slice(0, MAX_DISPLAY_NAME_LENGTH),
    clientType: 'public',
    loginRedirectUris: [accountCallbackUrl(config.issuer)],
    logoutRedirectUris: [],
    allowInternalUsers: true,
    allowCommunityUsers: true,
    scopes: [],
    allowRefreshTokens: false,
    requireConsent: false,
    accessTokenLifetime: ACCOUNT_ACCESS_TOKEN_LIFETIME,
    refreshTokenLifetime: DEFAULT_REFRESH_TOKEN_LIFETIME.public,
    enabled: true,
    // a user who must use a second factor still must here (the user's own requireMfa applies to every app)
    requireMfa: false,
    accessTokens: 'none',
    // signed like every app that made no choice: with SIGNING_ALG
    idTokenSignedResponseAlg: null,
    accessTokenSigningAlg: null,
    refreshReuseGraceSeconds: null,
    requirePar: false,
    requireDpop: false,
    createdAt: now,
    updatedAt: now,
  };
}

/** The web console (`{issuer}/admin/`): a first-party app of Trustgate that signs administrators in through the sign-in pages. */
export const CONSOLE_CLIENT_ID = 'urn:trustgate:console';

/** What the console asks for at sign-in. */
export const CONSOLE_SCOPE = `openid profile ${ADMIN_SCOPE}`;

/** Where the authorization code of a console sign-in comes back to. */
export function consoleCallbackUrl(issuer: string): string {
  return `${issuer}/admin/callback`;
}

/**
 * The console app as every node registers it at start-up: public (PKCE), exact redirect URI, internal
 * users only, no consent, no refresh tokens, allowed the admin scope (only administrators can use it:
 * the console and the admin API check the user's administrator flag on every request).
 */
export function consoleApp(config: Pick<Config, 'issuer' | 'instanceName'>, now: number): TrustedApplication {
  return {
    ...accountApp(config, now),
    clientId: CONSOLE_CLIENT_ID,
    displayName: `${config.instanceName} console`.slice(0, MAX_DISPLAY_NAME_LENGTH),
    loginRedirectUris: [consoleCallbackUrl(config.issuer)],
    allowCommunityUsers: false,
    adminApi: true,
  };
}
