import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { auditEventView, type AuditFilter } from '../admin/audit-service.js';
import { servicesFor } from './plugin-support.js';
import { errorResponses, object } from './schemas.js';

const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] };
export const auditEventSchema = object({
  id: { type: 'string' },
  at: { type: 'string', format: 'date-time' },
  actor: { type: 'string' },
  action: { type: 'string' },
  outcome: { type: 'string', enum: ['success', 'failure', 'refused'] },
  targetType: nullableString,
  targetId: nullableString,
  clientId: nullableString,
  userId: nullableString,
  sourceAddress: nullableString,
  reason: nullableString,
  details: { type: 'object', additionalProperties: true },
});
const page = object({ events: { type: 'array', items: auditEventSchema }, nextCursor: nullableString });
const tags = ['audit'];

/** The audit trail and each app's failure trail, through AuditService (the same rules as `trustgate audit`). */
export function registerAuditRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/audit-events', {
    schema: {
      tags,
      summary: 'The audit trail, newest first, with filters (pages through nextCursor)',
      querystring: object(
        {
          app: { type: 'string', description: 'an ApplicationUri' },
          user: { type: 'string', description: 'a login or user id' },
          actor: { type: 'string' },
          action: { type: 'string' },
          outcome: { type: 'string', enum: ['success', 'failure', 'refused'] },
          since: { type: 'string', description: 'ISO-8601, or back from now: 24h, 7d' },
          until: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 1000 },
          cursor: { type: 'string' },
        },
        [],
      ),
      response: { 200: page, ...errorResponses },
    },
  }, async (request) => {
    const result = await servicesFor(ctx, request).audit.list(request.query as AuditFilter);
    return { events: result.events.map(auditEventView), nextCursor: result.nextCursor };
  });

  api.get<{ Params: { clientId: string }; Querystring: { limit?: number; cursor?: string } }>('/apps/:clientId/failures', {
    schema: {
      tags,
      summary: "The app's failure trail: its last refused requests with the exact reason (redacted)",
      params: object({ clientId: { type: 'string' } }),
      querystring: object({ limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: { type: 'string' } }, []),
      response: { 200: page, ...errorResponses },
    },
  }, async (request) => {
    const result = await servicesFor(ctx, request).audit.failures(request.params.clientId, request.query);
    return { events: result.events.map(auditEventView), nextCursor: result.nextCursor };
  });
}
