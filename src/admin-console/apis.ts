import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiService } from '../admin/api-service.js';
import { AdminError } from '../errors/admin-error.js';
import { apiBody, apisBody } from '../pages/console-apis-page.js';
import { adminDepsFor } from '../admin/admin-deps.js';
import type { ConsoleSession } from './session.js';
import { asAdministrator, changeAsAdministrator, checked, field, sendConsolePage } from './render.js';
import { consolePath, segment } from './paths.js';

type ApiParams = { Params: { audience: string } };
type SecretParams = { Params: { audience: string; secretId: string } };

/** The registered APIs pages: list and register, show, secrets (added — shown once —, revoked). */
export function apiPages(ctx: AppContext) {
  const apis = new ApiService(ctx);
  /** the service that records this administrator's changes (actor and address) on the audit trail */
  const changer = (request: FastifyRequest, session: ConsoleSession) => new ApiService(adminDepsFor(ctx, session.actor, request.ip));

  async function list(reply: FastifyReply, session: ConsoleSession, view: { error?: string; status?: number } = {}) {
    return sendConsolePage(ctx, reply, session, {
      section: 'apis',
      title: session.m.console.nav.apis,
      body: apisBody({ base: consolePath(ctx), csrf: session.csrf, apis: await apis.list(), m: session.m }),
      ...view,
    });
  }

  async function show(
    reply: FastifyReply,
    session: ConsoleSession,
    audience: string,
    view: { notice?: string; error?: string; status?: number; newSecret?: string; forceRevoke?: string } = {},
  ): Promise<FastifyReply> {
    let shown: Awaited<ReturnType<ApiService['show']>>;
    try {
      shown = await apis.show(audience);
    } catch (error) {
      if (error instanceof AdminError) return list(reply, session, { error: error.message, status: 404 });
      throw error;
    }
    return sendConsolePage(ctx, reply, session, {
      section: 'apis',
      title: shown.api.displayName,
      notice: view.notice,
      error: view.error,
      status: view.status,
      body: apiBody({ base: consolePath(ctx), csrf: session.csrf, api: shown.api, secrets: shown.secrets, newSecret: view.newSecret, forceRevoke: view.forceRevoke, m: session.m }),
    });
  }

  return {
    list: (request: FastifyRequest, reply: FastifyReply) => asAdministrator(ctx, request, reply, '/apis', (session) => list(reply, session)),

    create: (request: FastifyRequest, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        try {
          const created = await changer(request, session).create({
            audience: field(form, 'audience'),
            displayName: field(form, 'displayName'),
            scopes: field(form, 'scopes'),
            generateSecret: true,
          });
          return show(reply, session, created.api.audience, { notice: session.m.console.apis.registered(created.api.audience), newSecret: created.generatedSecret });
        } catch (error) {
          if (error instanceof AdminError) return list(reply, session, { error: session.m.console.apis.notRegistered(error.message), status: 400 });
          throw error;
        }
      }),

    show: (request: FastifyRequest<ApiParams>, reply: FastifyReply) =>
      asAdministrator(ctx, request, reply, `/apis/${segment(request.params.audience)}`, (session) => show(reply, session, request.params.audience)),

    addSecret: (request: FastifyRequest<ApiParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const { audience } = request.params;
        const description = field(form, 'description');
        try {
          const added = await changer(request, session).addSecret(audience, { generateSecret: true, description: description === '' ? null : description });
          return show(reply, session, audience, { notice: session.m.console.secrets.added(added.secret.id), newSecret: added.generatedSecret });
        } catch (error) {
          if (error instanceof AdminError) return show(reply, session, audience, { error: session.m.console.secrets.notAdded(error.message), status: 400 });
          throw error;
        }
      }),

    revokeSecret: (request: FastifyRequest<SecretParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const { audience, secretId } = request.params;
        try {
          await changer(request, session).revokeSecret(audience, secretId, { force: checked(form, 'force') });
          return show(reply, session, audience, { notice: session.m.console.secrets.revoked(secretId) });
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          const last = error.reason === 'last_active_secret';
          return show(reply, session, audience, { error: last ? session.m.console.apis.lastActive : error.message, status: 400, forceRevoke: last ? secretId : undefined });
        }
      }),
  };
}
