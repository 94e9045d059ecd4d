import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { setNoStore } from '../../http/security-headers.js';
import { startPruning } from '../../tokens/pruner.js';
import { readForm } from '../../http/form.js';
import { authenticateClient } from '../../http/authenticate-client.js';
import { corsHeaders, registerPreflight } from '../../http/cors.js';
import { registerMethodNotAllowed } from '../../http/method-not-allowed.js';
import { validateTokenRequest } from './validate.js';
import { respondToTokenRequest } from './respond.js';
import { dpopNonceHeader, readDpopProof } from '../../http/dpop.js';

/** POST {issuer}/connect/token (RFC 6749 3.2): read the form, validate, respond, write JSON. */
export function registerToken(app: FastifyInstance, ctx: AppContext): void {
  const nonce = dpopNonceHeader(ctx);
  app.post('/connect/token', { onRequest: [corsHeaders, nonce] }, async (request, reply) => {
    const form = readForm(request);
    const dpop = await readDpopProof(ctx, request, `${ctx.config.issuer}/connect/token`);
    const validated = await validateTokenRequest(ctx, form, () => authenticateClient(ctx, request, form), { dpopJkt: dpop?.jkt });
    const response = await respondToTokenRequest(ctx, validated);
    ctx.metrics.tokensIssued(validated.grantType);
    setNoStore(reply);
    return reply.send(response);
  });
  registerPreflight(app, '/connect/token', 'POST');
  registerMethodNotAllowed(app, '/connect/token', ['POST']);

  const stop = startPruning(ctx);
  app.addHook('onClose', async () => stop());
}
