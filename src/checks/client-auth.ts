import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { RegisteredClient } from '../stores/client-registry.js';
import { isSecretActive } from '../domain/trusted-application.js';
import { invalidClient, invalidRequest, unauthorizedClient, type OAuthError } from '../errors/oauth-error.js';
import { constantTimeEqual, sha256 } from '../tokens/opaque.js';
import type { FormParams } from '../context.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient extends RegisteredClient {
  method: ClientAuthMethod;
}

const MAX_CLIENT_ID_LENGTH = 512;
const MAX_SECRET_LENGTH = 1024;

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 2.3):
 * confidential apps use client_secret_basic or client_secret_post (one of them, never both) with any
 * active secret; public apps send only client_id. Secrets are compared as SHA-256 hashes in constant
 * time. A disabled app is `unauthorized_client` once it has authenticated.
 */
export async function authenticateClient(
  ctx: AppContext,
  request: FastifyRequest,
  form: FormParams,
): Promise<AuthenticatedClient> {
  const basic = readBasic(request.headers.authorization, ctx.config.issuer);
  const bodySecret = form.get('client_secret');
  const bodyClientId = form.get('client_id');
  const challenge = basic ? basicChallenge(ctx.config.issuer) : undefined;
  const fail = (description: string): OAuthError => invalidClient(description, { wwwAuthenticate: challenge });

  if (basic && bodySecret !== undefined) {
    throw invalidRequest('use one client authentication method: the client secret was sent both in the Authorization header and in the body');
  }
  if (basic && bodyClientId !== undefined && bodyClientId !== basic.clientId) {
    throw invalidRequest('client_id in the body differs from the client_id in the Authorization header');
  }
  const clientId = basic?.clientId ?? bodyClientId;
  const secret = basic ? basic.secret || undefined : bodySecret;
  const method: ClientAuthMethod = secret === undefined ? 'none' : basic ? 'client_secret_basic' : 'client_secret_post';

  if (clientId === undefined) {
    throw fail('client authentication is required: send client_id (public apps) or the client credentials (confidential apps)');
  }
  if (clientId.length > MAX_CLIENT_ID_LENGTH) throw fail('client_id is too long');
  const registered = await ctx.clients.get(clientId);
  if (!registered) throw fail(`no Trusted Application is registered with client_id "${printable(clientId)}"`);
  const { app } = registered;

  if (app.clientType === 'public') {
    if (secret !== undefined) {
      throw fail(`the app "${printable(clientId)}" is public and must not send a client secret; send only client_id (and use PKCE)`);
    }
  } else {
    if (secret === undefined) {
      throw fail(
        `the app "${printable(clientId)}" is confidential: authenticate with its client secret (client_secret_basic or client_secret_post)`,
      );
    }
    if (secret.length > MAX_SECRET_LENGTH || !secretMatches(registered, secret, ctx.now())) {
      throw fail(`the client secret of "${printable(clientId)}" is wrong, revoked or expired`);
    }
  }
  if (!app.enabled) {
    throw unauthorizedClient(`the app "${printable(clientId)}" is disabled; ask an administrator to enable it`);
  }
  return { ...registered, method };
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

interface BasicCredentials {
  clientId: string;
  secret: string;
}

/**
 * RFC 6749 2.3.1: client_id and secret are form-urlencoded, then joined by ":" and base64-encoded.
 * Undefined when the request carries no Basic credentials; invalid_request when they are malformed.
 */
function readBasic(header: string | undefined, issuer: string): BasicCredentials | undefined {
  if (!header) return undefined;
  const match = /^Basic +([A-Za-z0-9+/=._~-]*) *$/i.exec(header);
  if (!match) {
    if (/^Basic\b/i.test(header)) throw malformedBasic(issuer);
    return undefined; // another scheme (e.g. Bearer) is not client authentication
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw malformedBasic(issuer);
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw malformedBasic(issuer);
  }
}

function malformedBasic(issuer: string): OAuthError {
  return invalidClient(
    'the Authorization header is not valid Basic credentials (base64 of form-urlencoded client_id ":" client_secret)',
    { wwwAuthenticate: basicChallenge(issuer) },
  );
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

export function basicChallenge(issuer: string): string {
  return `Basic realm="${issuer}"`;
}

/** A client_id as it may be echoed in a description. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
