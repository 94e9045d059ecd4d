import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.js';
import { OAuthError } from '../errors/oauth-error.js';
import { loadBoundInteraction } from './load.js';
import { liveSessionByHash } from './sessions.js';
import { renderConsent, renderLogin } from './render.js';

/** GET /connect/interaction/:id — the login page, or the consent page once the user is known. */
export async function showInteraction(
  ctx: AppContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, false);
  const { interaction } = bound;
  if (interaction.userId === null || interaction.sessionIdHash === null) return renderLogin(ctx, reply, bound);
  const live = await liveSessionByHash(ctx, interaction.sessionIdHash);
  if (!live || live.user.id !== interaction.userId) {
    throw new OAuthError('login_required', 'Your session has ended. Return to the app and sign in again.', {
      status: 400,
      redirectable: false,
    });
  }
  return renderConsent(ctx, reply, bound, live.user);
}
