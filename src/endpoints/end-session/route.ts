import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../http/context.js';

// placeholder: the sign-in helper implements this endpoint
export function registerEndSession(app: FastifyInstance, ctx: AppContext): void {
  void app;
  void ctx;
}
