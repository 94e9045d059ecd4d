import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';

/**
 * GET /healthz: the process is alive (no dependency is asked: a load balancer must not restart every
 * node when the database blinks). GET /readyz: the database answers and a signing key is loaded, so
 * the node can serve sign-ins and tokens; 503 otherwise. Both at the root of the node, outside the issuer.
 */
export function registerHealth(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  });
  app.get('/readyz', async (_request, reply) => {
    const database = await ctx.store.ping();
    const keys = database && (await signingKeyLoaded(ctx));
    const status = !database ? 'database unreachable' : !keys ? 'signing keys unavailable' : 'ready';
    reply
      .header('Cache-Control', 'no-store')
      .code(status === 'ready' ? 200 : 503)
      .send({ status, database: database ? 'ok' : 'unreachable', keys: keys ? 'ok' : 'unavailable' });
  });
}

async function signingKeyLoaded(ctx: AppContext): Promise<boolean> {
  try {
    await ctx.keys.current();
    return true;
  } catch {
    return false;
  }
}
