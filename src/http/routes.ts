import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.js';
import { registerHealth } from '../endpoints/health/route.js';

/**
 * The route table. Protocol endpoints live under the issuer's path (e.g. /id/connect/token);
 * health probes live at the root of the node.
 */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  registerHealth(app, ctx);
  await app.register(
    async (issuer) => {
      void issuer;
      // endpoint registrations go here, e.g. registerDiscovery(issuer, ctx);
    },
    { prefix: ctx.config.issuerPath },
  );
}
