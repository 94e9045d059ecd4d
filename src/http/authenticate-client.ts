import type { FastifyRequest } from 'fastify';
import type { AppContext, FormParams } from '../context.js';
import { assertionClient, checkClientCredentials, checkClientId, type AuthenticatedClient } from '../checks/client-auth.js';
import { clientAssertionVerifier } from '../tokens/client-assertion.js';
import { ENDPOINT_PATHS } from '../endpoints/discovery/document.js';
import { readClientCredentials } from './client-credentials.js';

/**
 * Client authentication at the token, revocation and introspection endpoints: the credentials are read
 * at the HTTP edge, the app is looked up (through the short-lived client cache), a client assertion
 * (private_key_jwt) is verified against the app's keys and its jti used up, and the pure check decides.
 */
export async function authenticateClient(ctx: AppContext, request: FastifyRequest, form: FormParams): Promise<AuthenticatedClient> {
  const credentials = readClientCredentials(request, form, ctx.config.issuer);
  const registered = await ctx.clients.get(checkClientId(credentials));
  const verified =
    credentials.method === 'private_key_jwt'
      ? await clientAssertionVerifier(ctx).verify(assertionClient(credentials, registered), credentials.assertion!, {
          issuer: ctx.config.issuer,
          tokenEndpoint: `${ctx.config.issuer}${ENDPOINT_PATHS.token}`,
        })
      : undefined;
  return checkClientCredentials(credentials, registered, ctx.now(), verified);
}
