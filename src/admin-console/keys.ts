import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { KeyService } from '../admin/key-service.js';
import { keysBody } from '../pages/console-keys-page.js';
import { adminDepsFor } from '../admin/admin-deps.js';
import type { ConsoleSession } from './session.js';
import { asAdministrator, changeAsAdministrator, sendConsolePage } from './render.js';
import { consolePath } from './paths.js';

/** The signing-keys page: list, rotate. */
export function keyPages(ctx: AppContext) {
  const keys = new KeyService(ctx);
  const page = async (reply: FastifyReply, session: ConsoleSession, notice?: string) =>
    sendConsolePage(ctx, reply, session, { section: 'keys', title: session.m.console.nav.keys, notice, body: keysBody({ base: consolePath(ctx), csrf: session.csrf, keys: await keys.list(), m: session.m }) });
  return {
    list: (request: FastifyRequest, reply: FastifyReply) => asAdministrator(ctx, request, reply, '/keys', (session) => page(reply, session)),
    rotate: (request: FastifyRequest, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session) => {
        const staged = await new KeyService(adminDepsFor(ctx, session.actor, request.ip)).rotate(ctx.keys, { immediately: false });
        const c = session.m.console.keys;
        return page(reply, session, c.rotated(staged.map((key) => c.rotatedKey(key.alg, key.kid)).join(', '), new Date(Math.min(...staged.map((k) => k.signFrom))).toISOString()));
      }),
  };
}
