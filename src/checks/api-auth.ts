import type { ApiSecret, RegisteredApi } from '../domain/registered-api.js';
import { isSecretActive } from '../domain/trusted-application.js';
import { invalidClient } from '../errors/oauth-error.js';
import { constantTimeEqual, sha256 } from '../tokens/opaque.js';
import type { ClientCredentials } from './client-auth.js';

const MAX_SECRET_LENGTH = 1024;

export interface AuthenticatedApi {
  api: RegisteredApi;
}

/**
 * A registered API authenticating with its audience as client_id and one of its secrets
 * (client_secret_basic or client_secret_post), as a pure check. Secrets are compared as SHA-256 hashes in
 * constant time; every secret is compared.
 */
export function checkApiCredentials(
  credentials: ClientCredentials,
  api: RegisteredApi,
  secrets: readonly ApiSecret[],
  now: number,
): AuthenticatedApi {
  const fail = (description: string) => invalidClient(description, { wwwAuthenticate: credentials.challenge });
  const { secret } = credentials;
  if (secret === undefined) {
    throw fail(`the API "${printable(api.audience)}" authenticates with its secret (client_secret_basic or client_secret_post)`);
  }
  const presented = sha256(secret);
  let matched = false;
  for (const candidate of secrets) {
    if (constantTimeEqual(presented, candidate.secretHash) && isSecretActive(candidate, now)) matched = true;
  }
  if (secret.length > MAX_SECRET_LENGTH || !matched) {
    throw fail(`the secret of the API "${printable(api.audience)}" is wrong, revoked or expired`);
  }
  return { api };
}

function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
