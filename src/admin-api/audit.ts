import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AdminDeps } from '../admin/admin-deps.js';
import type { AdminActor } from './authenticate.js';

/**
 * The admin services' dependencies for one request of the admin API or the console: every change they
 * make is recorded on the audit trail with this actor (`user:<id>`) and the caller's address.
 */
export function adminDepsFor(ctx: AppContext, request: FastifyRequest, actor: AdminActor): AdminDeps {
  return { ...ctx, actor: actor.id, sourceAddress: request.ip };
}
