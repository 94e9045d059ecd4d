import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AuditService, type AuditFilter } from '../admin/audit-service.js';
import { AdminError } from '../errors/admin-error.js';
import { pageError } from '../errors/oauth-error.js';
import { SingleParams } from '../http/single-params.js';
import { auditBody, failuresBody, type AuditFilterValues } from '../pages/console-audit-page.js';
import { asAdministrator, sendConsolePage } from './render.js';
import { consolePath, segment } from './paths.js';

type AppParams = { Params: { clientId: string } };
const FILTERS = ['app', 'user', 'actor', 'action', 'outcome', 'since'] as const;

/** The audit trail with filters, and each app's failure trail (read-only pages). */
export function auditPages(ctx: AppContext) {
  const audit = new AuditService(ctx);
  return {
    list: (request: FastifyRequest, reply: FastifyReply) => {
      const query = SingleParams.fromQuery(request);
      const get = (name: string) => query.get(name, (d) => pageError(d)) ?? '';
      const values = Object.fromEntries(FILTERS.map((name) => [name, get(name)])) as unknown as AuditFilterValues;
      const cursor = get('cursor');
      const returnTo = `/audit`;
      return asAdministrator(ctx, request, reply, returnTo, async (session) => {
        const filter: AuditFilter = { limit: 50 };
        for (const name of FILTERS) if (values[name] !== '') filter[name] = values[name];
        if (cursor !== '') filter.cursor = cursor;
        try {
          const page = await audit.list(filter);
          const next = page.nextCursor
            ? `${consolePath(ctx, '/audit')}?${new URLSearchParams({ ...Object.fromEntries(FILTERS.filter((n) => values[n] !== '').map((n) => [n, values[n]])), cursor: page.nextCursor })}`
            : null;
          return sendConsolePage(ctx, reply, session, { section: 'audit', title: 'Audit trail', body: auditBody({ base: consolePath(ctx), filter: values, events: page.events, nextHref: next }) });
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          return sendConsolePage(ctx, reply, session, { section: 'audit', title: 'Audit trail', status: 400, error: `${error.message}.`, body: auditBody({ base: consolePath(ctx), filter: values, events: [], nextHref: null }) });
        }
      });
    },
    failures: (request: FastifyRequest<AppParams>, reply: FastifyReply) =>
      asAdministrator(ctx, request, reply, `/apps/${segment(request.params.clientId)}/failures`, async (session) => {
        const { clientId } = request.params;
        try {
          const page = await audit.failures(clientId, { limit: 50 });
          return sendConsolePage(ctx, reply, session, { section: 'apps', title: 'Failure trail', body: failuresBody({ base: consolePath(ctx), clientId, events: page.events }) });
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          return sendConsolePage(ctx, reply, session, { section: 'apps', title: 'Failure trail', status: 404, error: error.message, body: failuresBody({ base: consolePath(ctx), clientId, events: [] }) });
        }
      }),
  };
}
