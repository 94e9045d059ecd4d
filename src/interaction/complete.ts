import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { Session } from '../domain/session.js';
import type { User } from '../domain/user.js';
import { pageError, type OAuthError } from '../errors/oauth-error.js';
import { issueCode } from '../authorization/issue-code.js';
import { redirectError } from '../authorization/redirect-error.js';
import type { BoundInteraction } from './load.js';

const alreadyCompleted = () =>
  pageError('This sign-in request was already completed and cannot be used again. Return to the app and sign in again.');

/** Marks the interaction completed (exactly once, atomically) and sends the code to the app. */
export async function completeWithCode(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  user: User,
  session: Session,
): Promise<FastifyReply> {
  if (!(await ctx.store.interactions.complete(bound.interaction.id, ctx.now()))) throw alreadyCompleted();
  return issueCode(ctx, reply, bound.app, bound.interaction.request, user, session);
}

/** Marks the interaction completed and sends an error (e.g. access_denied) to the app. */
export async function completeWithError(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  error: OAuthError,
): Promise<FastifyReply> {
  if (!(await ctx.store.interactions.complete(bound.interaction.id, ctx.now()))) throw alreadyCompleted();
  return redirectError(ctx, reply, bound.app, bound.interaction.request, error);
}
