import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { startPruning } from '../../tokens/pruner.js';
import { readForm } from './form.js';
import { validateTokenRequest } from './validate.js';
import { corsHeaders, registerPreflight } from './cors.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';

/** POST {issuer}/connect/token (RFC 6749 3.2): authorization_code and refresh_token grants. */
export function registerToken(app: FastifyInstance, ctx: AppContext): void {
  app.post('/connect/token', { onRequest: corsHeaders }, async (request, reply) => {
    const form = readForm(request);
    const { handler, validated } = await validateTokenRequest(ctx, request, form);
    const response = await handler.issue(ctx, validated);
    setNoStore(reply);
    return reply.send(response);
  });
  registerPreflight(app, '/connect/token', 'POST');
  registerMethodNotAllowed(app, '/connect/token', ['POST']);

  const stop = startPruning(ctx);
  app.addHook('onClose', async () => stop());
}
