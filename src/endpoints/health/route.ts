import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';

/** GET /healthz: the process is alive. GET /readyz: the database answers. */
export function registerHealth(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  });
  app.get('/readyz', async (_request, reply) => {
    const ok = await ctx.store.ping();
    reply.header('Cache-Control', 'no-store').code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'database unreachable' });
  });
}
