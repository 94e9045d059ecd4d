import { invalid } from '../../errors/admin-error.js';
import type { ClientType } from '../../domain/trusted-application.js';
import type { SigningAlg } from '../../domain/signing-alg.js';
import { checkSigningAlg } from './signing-alg.js';
import { checkClientId } from './client-id.js';
import { checkDisplayName } from './display-name.js';
import { checkRedirectUris } from './redirect-uri.js';
import { checkScopes } from './scopes.js';
import { checkAccessTokenLifetime, checkRefreshTokenLifetime } from './lifetimes.js';

/** Every setting of a Trusted Application as an administrator gives it (after defaults were applied). */
export interface AppRegistrationInput {
  clientId: string;
  displayName: string;
  clientType: string;
  loginRedirectUris: readonly string[];
  logoutRedirectUris: readonly string[];
  scopes: string | readonly string[];
  allowInternalUsers: boolean;
  allowCommunityUsers: boolean;
  allowRefreshTokens: boolean;
  requireConsent: boolean;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  /** null: SIGNING_ALG */
  idTokenSignedResponseAlg: string | null;
  /** null: SIGNING_ALG */
  accessTokenSigningAlg: string | null;
  /** whether the app will hold at least one usable secret after this change */
  hasSecret: boolean;
  /** whether the app will have public keys registered (private_key_jwt) after this change */
  hasClientKeys?: boolean;
  /** whether the app will have a system user (a service app, client_credentials) after this change */
  serviceApp?: boolean;
}

export interface AppRegistration {
  clientId: string;
  displayName: string;
  clientType: ClientType;
  loginRedirectUris: string[];
  logoutRedirectUris: string[];
  scopes: string[];
  allowInternalUsers: boolean;
  allowCommunityUsers: boolean;
  allowRefreshTokens: boolean;
  requireConsent: boolean;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  idTokenSignedResponseAlg: SigningAlg | null;
  accessTokenSigningAlg: SigningAlg | null;
}

/** Validates a whole registration; the first wrong value is reported with the reason. */
export function validateAppRegistration(input: AppRegistrationInput): AppRegistration {
  const clientId = checkClientId(input.clientId);
  const displayName = checkDisplayName(input.displayName, 'app name');
  if (input.clientType !== 'public' && input.clientType !== 'confidential') {
    throw invalid('client_type_invalid', `the client type must be public or confidential, got ${JSON.stringify(input.clientType)}`, ['clientType']);
  }
  const clientType: ClientType = input.clientType;
  if (clientType === 'public' && input.hasSecret) {
    throw publicAppSecret();
  }
  if (clientType === 'public' && input.serviceApp) {
    throw invalid(
      'public_app_system_user',
      'a public app cannot have a system user: service access (client_credentials) needs an app that authenticates; make the app confidential',
      ['systemUser', 'clientType'],
    );
  }
  if (clientType === 'public' && input.hasClientKeys) {
    throw invalid(
      'public_app_keys',
      'a public app cannot have client keys (private_key_jwt is client authentication, which public apps do not do); make the app confidential',
      ['jwks', 'jwksUri', 'clientType'],
    );
  }
  if (clientType === 'confidential' && !input.hasSecret && !input.hasClientKeys) {
    throw invalid('secret_required', 'a confidential app must have a secret: give one, or ask for one to be generated', ['secret', 'generateSecret']);
  }
  const loginRedirectUris = checkRedirectUris(input.loginRedirectUris, 'login');
  if (loginRedirectUris.length === 0 && !input.serviceApp) {
    throw invalid('redirect_uri_required', 'at least one login redirect URI is required', ['loginRedirectUris']);
  }
  const logoutRedirectUris = checkRedirectUris(input.logoutRedirectUris, 'logout');
  const scopes = checkScopes(input.scopes, input.allowRefreshTokens);
  if (!input.allowInternalUsers && !input.allowCommunityUsers) {
    throw invalid('user_kind_required', 'at least one kind of user must be allowed to sign in: internal and/or community users', ['allowInternalUsers', 'allowCommunityUsers']);
  }
  return {
    clientId,
    displayName,
    clientType,
    loginRedirectUris,
    logoutRedirectUris,
    scopes,
    allowInternalUsers: input.allowInternalUsers,
    allowCommunityUsers: input.allowCommunityUsers,
    allowRefreshTokens: input.allowRefreshTokens,
    requireConsent: input.requireConsent,
    accessTokenLifetime: checkAccessTokenLifetime(input.accessTokenLifetime),
    refreshTokenLifetime: checkRefreshTokenLifetime(input.refreshTokenLifetime),
    idTokenSignedResponseAlg: checkSigningAlg(input.idTokenSignedResponseAlg, 'ID-token', 'idTokenSignedResponseAlg'),
    accessTokenSigningAlg: checkSigningAlg(input.accessTokenSigningAlg, 'access-token', 'accessTokenSigningAlg'),
  };
}

/** A public app runs in a browser or on a device: it cannot keep a secret. */
export function publicAppSecret() {
  return invalid(
    'public_app_secret',
    'a public app cannot have a secret (it runs in a browser or on a device and cannot keep one); ' +
      'drop the secret or make the app confidential',
    ['secret', 'generateSecret', 'clientType'],
  );
}
