import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import type { BoundInteraction } from './load.js';
import { renderLogin } from './render.js';

/**
 * OpenID Connect Core 3.1.2.1: a request with id_token_hint completes only for the user it names. When
 * someone else signed in, nothing is started for them: the login page comes again, saying so.
 * Undefined when the user may go on.
 */
export function refuseOtherAccount(ctx: AppContext, reply: FastifyReply, bound: BoundInteraction, user: User): FastifyReply | undefined {
  const { request } = bound.interaction;
  if (request.idTokenHintSubject === null || request.idTokenHintSubject === user.id) return undefined;
  ctx.log.info({ event: 'login_refused', reason: 'not_hinted_user', clientId: bound.app.clientId, userId: user.id }, 'sign-in refused');
  // the message never names the hinted user
  return renderLogin(ctx, reply, bound, { status: 403, login: request.loginHint ?? '', error: (m) => m.login.otherAccountRequested(bound.app.displayName) });
}
