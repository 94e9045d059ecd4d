import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.js';

// placeholder: the sign-in helper implements the login / consent pages and the stylesheet route
export function registerInteraction(app: FastifyInstance, ctx: AppContext): void {
  void app;
  void ctx;
}
