import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ReferenceTokenService } from '../admin/reference-token-service.js';
import { AdminError } from '../errors/admin-error.js';
import { pageError } from '../errors/oauth-error.js';
import { SingleParams } from '../http/single-params.js';
import { tokensBody } from '../pages/console-tokens-page.js';
import { adminDepsFor } from '../admin/admin-deps.js';
import type { ConsoleSession } from './session.js';
import { asAdministrator, changeAsAdministrator, field, sendConsolePage } from './render.js';
import { consolePath } from './paths.js';

type TokenParams = { Params: { id: string } };
type Filter = { user: string; app: string };

/** The reference-tokens page: the tokens of a user and/or an app, each revocable (values are never shown). */
export function tokenPages(ctx: AppContext) {
  const tokens = new ReferenceTokenService(ctx);

  async function page(reply: FastifyReply, session: ConsoleSession, filter: Filter, view: { notice?: string; error?: string; status?: number } = {}) {
    const body = (found: Awaited<ReturnType<ReferenceTokenService['list']>>) => tokensBody({ base: consolePath(ctx), csrf: session.csrf, filter, tokens: found, m: session.m });
    try {
      const found = await tokens.list({ ...(filter.user ? { user: filter.user } : {}), ...(filter.app ? { clientId: filter.app } : {}) });
      return sendConsolePage(ctx, reply, session, { section: 'tokens', title: session.m.console.nav.tokens, body: body(found), ...view });
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      return sendConsolePage(ctx, reply, session, { section: 'tokens', title: session.m.console.nav.tokens, body: body([]), error: `${error.message}.`, status: 404 });
    }
  }

  return {
    list: (request: FastifyRequest, reply: FastifyReply) => {
      const query = SingleParams.fromQuery(request);
      const get = (name: string) => query.get(name, (d) => pageError(d)) ?? '';
      const filter = { user: get('user'), app: get('app') };
      return asAdministrator(ctx, request, reply, '/tokens', (session) => page(reply, session, filter));
    },

    revoke: (request: FastifyRequest<TokenParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const back = new URLSearchParams(field(form, 'back').slice(0, 2000));
        const filter = { user: back.get('user') ?? '', app: back.get('app') ?? '' };
        try {
          const revoked = await new ReferenceTokenService(adminDepsFor(ctx, session.actor, request.ip)).revoke(request.params.id, { kind: 'admin' });
          return page(reply, session, filter, { notice: session.m.console.tokens.revoked(revoked.id) });
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          return page(reply, session, filter, { error: error.message, status: error.code === 'not_found' ? 404 : 400 });
        }
      }),
  };
}
