import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { readForm } from '../../http/form.js';
import { authenticateClient } from '../../http/authenticate-client.js';
import { setNoStore } from '../../http/security-headers.js';
import { corsHeaders, registerPreflight } from '../../http/cors.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';
import { ENDPOINT_PATHS } from '../discovery/document.js';
import { pushAuthorizationRequest } from './validate.js';

/** POST {issuer}/connect/par (RFC 9126): the app authenticates as at the token endpoint; 201 with a request_uri. */
export function registerPar(app: FastifyInstance, ctx: AppContext): void {
  app.post(ENDPOINT_PATHS.pushedAuthorizationRequest, { onRequest: corsHeaders }, async (request, reply) => {
    const form = readForm(request);
    const client = await authenticateClient(ctx, request, form);
    const pushed = await pushAuthorizationRequest(ctx, client.app, form);
    setNoStore(reply);
    return reply.code(201).send(pushed);
  });
  registerPreflight(app, ENDPOINT_PATHS.pushedAuthorizationRequest, 'POST');
  registerMethodNotAllowed(app, ENDPOINT_PATHS.pushedAuthorizationRequest, ['POST']);
}
