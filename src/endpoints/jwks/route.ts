import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../http/context.js';

// placeholder: the foundation helper implements this endpoint
export function registerJwks(app: FastifyInstance, ctx: AppContext): void {
  void app;
  void ctx;
}
