import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import type { Session } from '../domain/session.js';
import { pageError } from '../errors/oauth-error.js';
import { signInSession } from '../authorization/sessions.js';
import { issueDeviceCookie, readDeviceCookie } from '../authorization/device-cookie.js';
import { consentNeeded, interactionUrl, levelFor } from '../authorization/sign-in.js';
import { satisfiesLevel } from '../domain/authentication-level.js';
import { completeWithCode } from './complete.js';
import type { BoundInteraction } from './load.js';

const seeOther = (reply: FastifyReply, location: string) => reply.code(303).header('Cache-Control', 'no-store').header('Location', location).send();

/**
 * After a factor was verified: when the sign-in has reached the level it needs (levelFor), the user is
 * signed in; otherwise the interaction remembers who got this far and how (`amr`), and the interaction
 * page asks for the next factor (or sets one up).
 */
export async function continueSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  bound: BoundInteraction,
  user: User,
  amr: string[],
): Promise<FastifyReply> {
  if (satisfiesLevel(amr, levelFor(bound.app, bound.interaction.request, user))) {
    const session = await establishSession(ctx, request, reply, bound, user, amr);
    return nextStep(ctx, reply, bound, user, session);
  }
  if (!(await ctx.store.interactions.setPending(bound.interaction.id, { userId: user.id, amr }))) throw alreadyCompleted();
  return seeOther(reply, interactionUrl(ctx, bound.interaction.id));
}

/**
 * Signs the user in (a new session cookie value, the sign-in's amr), renews the browser's device
 * cookie, and records the user on the interaction. The caller goes on with nextStep().
 */
export async function establishSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  bound: BoundInteraction,
  user: User,
  amr: string[],
): Promise<Session> {
  await issueDeviceCookie(ctx, reply, user.id, await readDeviceCookie(ctx, request));
  const session = await signInSession(ctx, request, reply, user, amr);
  await ctx.audit.record({
    actor: `user:${user.id}`,
    action: 'login_succeeded',
    clientId: bound.app.clientId,
    userId: user.id,
    sourceAddress: request.ip,
    details: { sid: session.sid, amr },
    message: 'signed in',
  });
  if (!(await ctx.store.interactions.setUser(bound.interaction.id, user.id, session.sid))) throw alreadyCompleted();
  await ctx.store.interactions.setPending(bound.interaction.id, null);
  return session;
}

/** Consent when it is needed (the interaction page shows it), otherwise the code goes to the app. */
export async function nextStep(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  user: User,
  session: Session,
): Promise<FastifyReply> {
  const { interaction, app } = bound;
  if (await consentNeeded(ctx, app, interaction.request, user.id)) return seeOther(reply, interactionUrl(ctx, interaction.id));
  return completeWithCode(ctx, reply, { ...bound, interaction: { ...interaction, userId: user.id } }, user, session);
}

function alreadyCompleted() {
  return pageError('This sign-in request was already completed. Return to the app and sign in again.');
}
