import type { RegisteredClient } from '../stores/client-registry.js';
import { hasClientKeys, isSecretActive, type TrustedApplication } from '../domain/trusted-application.js';
import type { VerifiedClientAssertion } from './client-assertion.js';
import { isStorableText } from '../domain/text.js';
import { invalidClient, unauthorizedClient, type OAuthError } from '../errors/oauth-error.js';
import { constantTimeEqual, sha256 } from '../tokens/opaque.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** How a request says who its client is, as read at the HTTP edge (not yet checked). */
export interface ClientCredentials {
  readonly clientId: string | undefined;
  readonly secret: string | undefined;
  /** a client assertion (private_key_jwt), verified by tokens/client-assertion.ts */
  readonly assertion: string | undefined;
  readonly method: ClientAuthMethod;
  /** the WWW-Authenticate challenge to answer a failed HTTP Basic authentication with */
  readonly challenge: string | undefined;
}

export interface AuthenticatedClient extends RegisteredClient {
  method: ClientAuthMethod;
}

const MAX_CLIENT_ID_LENGTH = 512;
const MAX_SECRET_LENGTH = 1024;

function failure(credentials: ClientCredentials): (description: string) => OAuthError {
  return (description) => invalidClient(description, { wwwAuthenticate: credentials.challenge });
}

/**
 * The client_id a request names, before anything is looked up: present, of a sane length, and text
 * that can be looked up at all (no NUL, no lone surrogate: PostgreSQL refuses NUL in text).
 */
export function checkClientId(credentials: ClientCredentials): string {
  const fail = failure(credentials);
  const { clientId } = credentials;
  if (clientId === undefined) {
    throw fail('client authentication is required: send client_id (public apps) or the client credentials (confidential apps)');
  }
  if (clientId.length > MAX_CLIENT_ID_LENGTH) throw fail('client_id is too long');
  if (!isStorableText(clientId)) throw fail('client_id contains a character that is not allowed (NUL or an unpaired surrogate)');
  return clientId;
}

/**
 * Before a client assertion is verified: the app it names exists, is confidential and has public keys
 * registered. Returns the app whose keys verify it.
 */
export function assertionClient(credentials: ClientCredentials, registered: RegisteredClient | undefined): TrustedApplication {
  const fail = failure(credentials);
  const clientId = checkClientId(credentials);
  if (!registered) throw fail(`no Trusted Application is registered with client_id "${printable(clientId)}"`);
  const { app } = registered;
  if (app.clientType === 'public') {
    throw fail(`the app "${printable(clientId)}" is public and cannot authenticate with a client assertion; send only client_id (and use PKCE)`);
  }
  if (!hasClientKeys(app)) {
    throw fail(
      `the app "${printable(clientId)}" has no public keys registered for private_key_jwt; authenticate with its client secret, or register its keys`,
    );
  }
  return app;
}

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 2.3), as a pure
 * check of the credentials against the registered app: confidential apps use client_secret_basic or
 * client_secret_post with any active secret, or private_key_jwt when they have public keys registered
 * (the assertion verified before, `verified`); public apps send only client_id. Secrets are compared as
 * SHA-256 hashes in constant time. A disabled app is `unauthorized_client` once it has authenticated.
 */
export function checkClientCredentials(
  credentials: ClientCredentials,
  registered: RegisteredClient | undefined,
  now: number,
  verified?: VerifiedClientAssertion,
): AuthenticatedClient {
  const fail = failure(credentials);
  const clientId = checkClientId(credentials);
  const { secret } = credentials;
  if (!registered) throw fail(`no Trusted Application is registered with client_id "${printable(clientId)}"`);
  const { app } = registered;

  if (credentials.method === 'private_key_jwt') {
    assertionClient(credentials, registered);
    // an invariant of the caller (http/authenticate-client.ts), never a client's error
    if (!verified || verified.clientId !== app.clientId) throw new Error('client assertion not verified before the credential check');
  } else if (app.clientType === 'public') {
    if (secret !== undefined) {
      throw fail(`the app "${printable(clientId)}" is public and must not send a client secret; send only client_id (and use PKCE)`);
    }
  } else {
    if (secret === undefined) {
      throw fail(
        hasClientKeys(app)
          ? `the app "${printable(clientId)}" is confidential: authenticate with a client assertion (private_key_jwt) or its client secret`
          : `the app "${printable(clientId)}" is confidential: authenticate with its client secret (client_secret_basic or client_secret_post)`,
      );
    }
    if (secret.length > MAX_SECRET_LENGTH || !secretMatches(registered, secret, now)) {
      throw fail(`the client secret of "${printable(clientId)}" is wrong, revoked or expired`);
    }
  }
  if (!app.enabled) {
    throw unauthorizedClient(`the app "${printable(clientId)}" is disabled; ask an administrator to enable it`);
  }
  return { ...registered, method: credentials.method };
}

/** Any active secret matches (two are active during a rotation). Every secret is compared. */
function secretMatches(client: RegisteredClient, secret: string, now: number): boolean {
  const presented = sha256(secret);
  let matched = false;
  for (const candidate of client.secrets) {
    if (constantTimeEqual(presented, candidate.secretHash) && isSecretActive(candidate, now)) matched = true;
  }
  return matched;
}

export function basicChallenge(issuer: string): string {
  return `Basic realm="${issuer}"`;
}

/** A client_id as it may be echoed in a description. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
