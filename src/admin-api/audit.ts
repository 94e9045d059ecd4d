import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AdminActor } from './authenticate.js';

/**
 * Records an administrative change made through the admin API or the console, with its actor
 * (`user:<id>`) and source address. Until the audit store is on main it is an audit log line, as
 * everywhere else (`audit: true`).
 */
export function auditChange(
  ctx: AppContext,
  request: FastifyRequest,
  actor: AdminActor,
  event: string,
  target: Record<string, unknown>,
): void {
  ctx.log.info({ event, audit: true, actor: actor.id, via: actor.clientId, source: request.ip, ...target }, 'administrative change');
}
