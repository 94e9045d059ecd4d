import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { allowsUserKind } from '../domain/trusted-application.js';
import type { BoundInteraction } from './load.js';
import { renderBlocked } from './render.js';
import { refuseOtherAccount } from './hinted-account.js';

/**
 * After a first factor (a password or a passwordless passkey) named the user: a disabled user, a user
 * other than the one id_token_hint names, or a user kind the app does not allow goes no further. The
 * page that says so is sent (returned synchronously); undefined when the user may go on.
 */
export function refuseAfterFirstFactor(ctx: AppContext, reply: FastifyReply, bound: BoundInteraction, user: User): FastifyReply | undefined {
  const { app } = bound;
  if (!user.enabled) {
    ctx.log.info({ event: 'login_refused', reason: 'user_disabled', clientId: app.clientId, userId: user.id }, 'sign-in refused');
    return renderBlocked(ctx, reply, bound, (m) => m.blocked.disabled);
  }
  const otherAccount = refuseOtherAccount(ctx, reply, bound, user);
  if (otherAccount) return otherAccount;
  if (!allowsUserKind(app, user.kind)) {
    ctx.log.info({ event: 'login_refused', reason: 'user_kind', clientId: app.clientId, userId: user.id }, 'sign-in refused');
    return renderBlocked(ctx, reply, bound, (m) => m.blocked.userKind(app.displayName, user.kind));
  }
  return undefined;
}
