import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { pageError } from '../errors/oauth-error.js';
import { loadBoundInteraction, type BoundInteraction } from './load.js';
import { currentSession, liveSessionBySid } from '../authorization/sessions.js';
import { allowsUserKind } from '../domain/trusted-application.js';
import { renderConsent, renderLogin } from './render.js';
import type { PageText } from '../http/page-language.js';
import { showSecondFactorStep } from './second-factor.js';
import type { User } from '../domain/user.js';

/** GET /connect/interaction/:id — the login page, or the consent page once the user is known. */
export async function showInteraction(
  ctx: AppContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, false);
  const { interaction } = bound;
  await showSecondFactorStep(ctx, reply, bound);
  // a reply is thenable: what the step returns resolves to undefined once sent, so ask the reply itself
  if (reply.sent) return reply;
  if (interaction.userId === null || interaction.sessionSid === null) {
    // someone is signed in but must sign in again (prompt=login, max_age, another user, or not allowed here)
    const live = await currentSession(ctx, request);
    if (!live) return renderLogin(ctx, reply, bound);
    return renderLogin(ctx, reply, bound, { notice: signedInNotice(bound, live.user), login: interaction.request.loginHint ?? live.user.login });
  }
  const live = await liveSessionBySid(ctx, interaction.sessionSid);
  if (!live || live.user.id !== interaction.userId) {
    throw pageError('Your session has ended. Return to the app and sign in again.', { code: 'login_required' });
  }
  return renderConsent(ctx, reply, bound, live.user);
}

/** Why someone who is signed in sees the login page. */
function signedInNotice(bound: BoundInteraction, user: User): PageText {
  const hinted = bound.interaction.request.idTokenHintSubject;
  if (hinted !== null && hinted !== user.id) return (m) => m.login.signedInOther(user.login, bound.app.displayName);
  if (!allowsUserKind(bound.app, user.kind)) return (m) => m.login.signedInNotAllowed(user.login, bound.app.displayName);
  return (m) => m.login.signedInAgain(user.login);
}
