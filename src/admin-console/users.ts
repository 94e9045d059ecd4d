import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { UserService } from '../admin/user-service.js';
import { AccessService } from '../admin/access-service.js';
import { AdminError } from '../errors/admin-error.js';
import type { User } from '../domain/user.js';
import { userBody, usersBody } from '../pages/console-users-page.js';
import { adminDepsFor } from '../admin/admin-deps.js';
import type { ConsoleSession } from './session.js';
import { asAdministrator, changeAsAdministrator, checked, field, sendConsolePage } from './render.js';
import { consolePath, segment } from './paths.js';

type UserParams = { Params: { user: string } };

/** What each one-button action on a user does, and what the page says afterwards. */
const ACTIONS: Record<string, { notice: (user: User) => string; run: (users: UserService, id: string) => Promise<unknown> }> = {
  disable: { notice: (u) => `${u.login} is disabled: their sessions ended and their refresh tokens were revoked.`, run: (s, id) => s.disable(id) },
  enable: { notice: (u) => `${u.login} may sign in again.`, run: (s, id) => s.enable(id) },
  unlock: { notice: (u) => `The sign-in counters of ${u.login} were cleared.`, run: (s, id) => s.unlock(id) },
  'mfa-reset': { notice: (u) => `The second factors of ${u.login} were removed; their sessions ended.`, run: (s, id) => s.resetSecondFactors(id) },
  'end-sessions': { notice: (u) => `Every session of ${u.login} ended; their refresh tokens were revoked.`, run: (s, id) => s.endSessions(id) },
};

/** The users pages: list and create, show, and the actions on a user. */
export function userPages(ctx: AppContext) {
  const users = new UserService(ctx);
  const access = new AccessService(ctx);

  async function list(reply: FastifyReply, session: ConsoleSession, view: { error?: string; status?: number } = {}) {
    return sendConsolePage(ctx, reply, session, {
      section: 'users',
      title: 'Users',
      body: usersBody({ base: consolePath(ctx), csrf: session.csrf, users: await users.list() }),
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
          return show(reply, session, user.id, { notice: `User ${user.login} created.` });
        } catch (error) {
          if (error instanceof AdminError) return list(reply, session, { error: `The user was not created: ${error.message}.`, status: 400 });
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
              return show(reply, session, user.id, { error: 'You cannot take your own administrator flag away here.', status: 400 });
            }
            await new UserService(adminDepsFor(ctx, session.actor, request.ip)).update(user.id, { isAdmin });
            return show(reply, session, user.id, { notice: isAdmin ? `${user.login} is an administrator.` : `${user.login} is no longer an administrator.` });
          }
          const action = ACTIONS[name]!;
          await action.run(new UserService(adminDepsFor(ctx, session.actor, request.ip)), user.id);
          return show(reply, session, user.id, { notice: action.notice(user) });
        } catch (error) {
          if (error instanceof AdminError) return list(reply, session, { error: error.message, status: error.code === 'not_found' ? 404 : 400 });
          throw error;
        }
      }),
  };
}

export const USER_ACTIONS = [...Object.keys(ACTIONS), 'admin'];
