import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { UserService } from '../admin/user-service.js';
import { AccessService } from '../admin/access-service.js';
import { AdminError } from '../errors/admin-error.js';
import type { User } from '../domain/user.js';
import type { Messages } from '../pages/messages/index.js';
import { userBody, usersBody } from '../pages/console-users-page.js';
import { adminDepsFor } from '../admin/admin-deps.js';
import type { ConsoleSession } from './session.js';
import { asAdministrator, changeAsAdministrator, checked, field, sendConsolePage } from './render.js';
import { consolePath, segment } from './paths.js';

type UserParams = { Params: { user: string } };

/** What each one-button action on a user does, and what the page says afterwards. */
const ACTIONS: Record<string, { notice: (user: User, m: Messages['console']['users']) => string; run: (users: UserService, id: string) => Promise<unknown> }> = {
  disable: { notice: (u, m) => m.disabledNotice(u.login), run: (s, id) => s.disable(id) },
  enable: { notice: (u, m) => m.enabledNotice(u.login), run: (s, id) => s.enable(id) },
  unlock: { notice: (u, m) => m.unlockedNotice(u.login), run: (s, id) => s.unlock(id) },
  'mfa-reset': { notice: (u, m) => m.mfaResetNotice(u.login), run: (s, id) => s.resetSecondFactors(id) },
  'end-sessions': { notice: (u, m) => m.sessionsEndedNotice(u.login), run: (s, id) => s.endSessions(id) },
};

/** The users pages: list and create, show, and the actions on a user. */
export function userPages(ctx: AppContext) {
  const users = new UserService(ctx);
  const access = new AccessService(ctx);

  async function list(reply: FastifyReply, session: ConsoleSession, view: { error?: string; status?: number } = {}) {
    return sendConsolePage(ctx, reply, session, {
      section: 'users',
      title: session.m.console.nav.users,
      body: usersBody({ base: consolePath(ctx), csrf: session.csrf, users: await users.list(), m: session.m }),
      ...view,
    });
  }

  async function show(reply: FastifyReply, session: ConsoleSession, loginOrId: string, view: { notice?: string; error?: string; status?: number } = {}) {
    let user: User;
    try {
      user = await users.show(loginOrId);
    } catch (error) {
      if (error instanceof AdminError) return list(reply, session, { error: error.message, status: 404 });
      throw error;
    }
    const [{ sessions }, factors] = await Promise.all([access.sessionsOf(user.id), users.secondFactors(user.id)]);
    return sendConsolePage(ctx, reply, session, {
      section: 'users',
      title: user.displayName,
      ...view,
      body: userBody({
        base: consolePath(ctx),
        csrf: session.csrf,
        user,
        sessions,
        secondFactors: { totp: factors.totp, recoveryCodesLeft: factors.recoveryCodesLeft },
        self: user.id === session.live.user.id,
        m: session.m,
      }),
    });
  }

  return {
    list: (request: FastifyRequest, reply: FastifyReply) => asAdministrator(ctx, request, reply, '/users', (session) => list(reply, session)),

    create: (request: FastifyRequest, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        try {
          const { user } = await new UserService(adminDepsFor(ctx, session.actor, request.ip)).create({
            login: field(form, 'login'),
            displayName: field(form, 'displayName'),
            email: field(form, 'email') || null,
            kind: field(form, 'kind') === 'community' ? 'community' : 'internal',
            password: field(form, 'password'),
            isAdmin: checked(form, 'isAdmin'),
          });
          return show(reply, session, user.id, { notice: session.m.console.users.createdNotice(user.login) });
        } catch (error) {
          if (error instanceof AdminError) return list(reply, session, { error: session.m.console.users.notCreated(error.message), status: 400 });
          throw error;
        }
      }),

    show: (request: FastifyRequest<UserParams>, reply: FastifyReply) =>
      asAdministrator(ctx, request, reply, `/users/${segment(request.params.user)}`, (session) => show(reply, session, request.params.user)),

    action: (name: string) => (request: FastifyRequest<UserParams>, reply: FastifyReply) =>
      changeAsAdministrator(ctx, request, reply, async (session, form) => {
        const loginOrId = request.params.user;
        try {
          const user = await users.show(loginOrId);
          if (name === 'admin') {
            const isAdmin = field(form, 'admin') === 'yes';
            if (user.id === session.live.user.id && !isAdmin) {
              return show(reply, session, user.id, { error: session.m.console.users.ownAdminFlag, status: 400 });
            }
            await new UserService(adminDepsFor(ctx, session.actor, request.ip)).update(user.id, { isAdmin });
            return show(reply, session, user.id, { notice: isAdmin ? session.m.console.users.isAdminNotice(user.login) : session.m.console.users.notAdminNotice(user.login) });
          }
          const action = ACTIONS[name]!;
          await action.run(new UserService(adminDepsFor(ctx, session.actor, request.ip)), user.id);
          return show(reply, session, user.id, { notice: action.notice(user, session.m.console.users) });
        } catch (error) {
          if (error instanceof AdminError) return list(reply, session, { error: error.message, status: error.code === 'not_found' ? 404 : 400 });
          throw error;
        }
      }),
  };
}

export const USER_ACTIONS = [...Object.keys(ACTIONS), 'admin'];
