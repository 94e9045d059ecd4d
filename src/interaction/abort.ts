import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { accessDenied } from '../errors/oauth-error.js';
import { loadBoundInteraction } from './load.js';
import { completeWithError } from './complete.js';

/**
 * POST /connect/interaction/:id/abort — the user cancelled, or cannot sign in to this app: the app
 * receives access_denied (with state and iss).
 */
export async function abortInteraction(
  ctx: AppContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  let reason: string | undefined;
  try {
    reason = bound.form.get('reason');
  } catch {
    reason = undefined;
  }
  const description =
    reason === 'not_allowed' ? 'the user is not allowed to sign in to this app' : 'the user cancelled the sign-in';
  return completeWithError(ctx, reply, bound, accessDenied(description));
}
