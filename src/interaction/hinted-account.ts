import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import type { BoundInteraction } from './load.js';
import { renderLogin } from './render.js';

/** Shown when the app's id_token_hint names another user than the one signing in (never naming that user). */
export function otherAccountRequested(appName: string): string {
  return `${appName} asked you to sign in with a different account. Sign in with that account, or cancel.`;
}

/**
 * OpenID Connect Core 3.1.2.1: a request with id_token_hint completes only for the user it names. When
 * someone else signed in, nothing is started for them: the login page comes again, saying so.
 * Undefined when the user may go on.
 */
export function refuseOtherAccount(ctx: AppContext, reply: FastifyReply, bound: BoundInteraction, user: User): FastifyReply | undefined {
  const { request } = bound.interaction;
  if (request.idTokenHintSubject === null || request.idTokenHintSubject === user.id) return undefined;
  ctx.log.info({ event: 'login_refused', reason: 'not_hinted_user', clientId: bound.app.clientId, userId: user.id }, 'sign-in refused');
  return renderLogin(ctx, reply, bound, { status: 403, login: request.loginHint ?? '', error: otherAccountRequested(bound.app.displayName) });
}
