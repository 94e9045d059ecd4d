import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { accessDenied, pageError } from '../errors/oauth-error.js';
import { loadBoundInteraction } from './load.js';
import { liveSessionBySid } from '../authorization/sessions.js';
import { completeWithCode, completeWithError } from './complete.js';

/** POST /connect/interaction/:id/consent — decision=allow remembers the grant and issues the code; deny → access_denied. */
export async function submitConsent(
  ctx: AppContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const { interaction, app } = bound;
  const decision = bound.form.get('decision', (d) => pageError(d));
  if (decision !== 'allow' && decision !== 'deny') {
    throw pageError('The consent form must be sent with decision=allow or decision=deny.');
  }
  if (interaction.userId === null || interaction.sessionSid === null) {
    throw pageError('Sign in before answering the consent question.');
  }
  const live = await liveSessionBySid(ctx, interaction.sessionSid);
  if (!live || live.user.id !== interaction.userId) {
    throw pageError('Your session has ended. Return to the app and sign in again.', { code: 'login_required' });
  }
  if (decision === 'deny') {
    ctx.log.info({ event: 'consent_denied', clientId: app.clientId, userId: live.user.id }, 'consent denied');
    return completeWithError(ctx, reply, bound, accessDenied('the user denied the request'));
  }
  await ctx.store.consents.grant(live.user.id, app.clientId, interaction.request.scope, ctx.now());
  ctx.log.info({ event: 'consent_granted', clientId: app.clientId, userId: live.user.id }, 'consent granted');
  return completeWithCode(ctx, reply, bound, live.user, live.session);
}

