import type { FastifyRequest } from 'fastify';
import type { AdminActor } from './authenticate.js';

/** The authenticated caller (the plugin's onRequest hook set it before any route runs). */
export function actorOf(request: FastifyRequest): AdminActor {
  const actor = request.adminActor;
  if (!actor) throw new Error('admin route without an authenticated actor');
  return actor;
}
