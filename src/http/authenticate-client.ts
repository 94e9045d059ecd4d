import type { FastifyRequest } from 'fastify';
import type { AppContext, FormParams } from '../context.js';
import { checkClientCredentials, checkClientId, type AuthenticatedClient } from '../checks/client-auth.js';
import { readClientCredentials } from './client-credentials.js';

/**
 * Client authentication at the token, revocation and introspection endpoints: the credentials are read
 * at the HTTP edge, the app is looked up (through the short-lived client cache), and the pure check
 * decides.
 */
export async function authenticateClient(ctx: AppContext, request: FastifyRequest, form: FormParams): Promise<AuthenticatedClient> {
  const credentials = readClientCredentials(request, form, ctx.config.issuer);
  const registered = await ctx.clients.get(checkClientId(credentials));
  return checkClientCredentials(credentials, registered, ctx.now());
}
