import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../http/context.js';

// placeholder: the token helper implements this endpoint
export function registerIntrospection(app: FastifyInstance, ctx: AppContext): void {
  void app;
  void ctx;
}
