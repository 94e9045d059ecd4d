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
    sendConsolePage(ctx, reply, session, { section: 'keys', title: 'Signing keys', notice, body: keysBody({ base: consolePath(ctx), csrf: session.csrf, keys: await keys.list() }) });
  return {
    list: (request: FastifyRequest, reply: FastifyReply) => asAdministrator(ctx, request, reply, '/keys', (session) => page(reply, session)),
    rotate: (request: FastifyRequest, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session) => {
        const staged = await new KeyService(adminDepsFor(ctx, session.actor, request.ip)).rotate(ctx.keys, { immediately: false });
        return page(reply, session, `Rotated: ${staged.map((key) => `${key.alg} key ${key.kid}`).join(', ')} published now, signing from ${new Date(Math.min(...staged.map((k) => k.signFrom))).toISOString()}.`);
      }),
  };
}
