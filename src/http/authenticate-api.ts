import type { FastifyRequest } from 'fastify';
import type { AppContext, FormParams } from '../context.js';
import { checkClientId, type ClientCredentials } from '../checks/client-auth.js';
import { checkApiCredentials, type AuthenticatedApi } from '../checks/api-auth.js';
import { readClientCredentials } from './client-credentials.js';

/**
 * The caller of introspection or the revocation feed, when its client_id is a registered API's audience:
 * the credentials are read at the edge, the API and its secrets looked up, the pure check decides.
 * `undefined` (with the credentials read) when the client_id names no registered API.
 */
export async function authenticateApi(
  ctx: AppContext,
  request: FastifyRequest,
  form: FormParams,
): Promise<{ api: AuthenticatedApi | undefined; credentials: ClientCredentials }> {
  const credentials = readClientCredentials(request, form, ctx.config.issuer);
  const clientId = checkClientId(credentials);
  const api = await ctx.store.apis.get(clientId);
  if (!api) return { api: undefined, credentials };
  const secrets = await ctx.store.apis.listSecrets(api.audience);
  return { api: checkApiCredentials(credentials, api, secrets, ctx.now()), credentials };
}
