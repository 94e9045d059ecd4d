import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { pageError } from '../errors/oauth-error.js';
import { ACR, amrOf, type AuthMethod } from '../domain/authentication-level.js';
import { levelFor } from '../authorization/sign-in.js';
import { renderBlocked } from './render.js';
import { liveSessionBySid } from '../authorization/sessions.js';
import { attemptSecondFactor } from '../second-factors/second-factor-attempt.js';
import { confirmTotpEnrolment, resumeTotpEnrolment, startTotpEnrolment } from '../second-factors/totp.js';
import { issueRecoveryCodes } from '../second-factors/recovery-codes.js';
import { loadBoundInteraction, type BoundInteraction } from './load.js';
import { renderRecoveryCodes, renderSecondFactor, renderTotpEnrolment } from './render-second-factor.js';
import { continueSignIn, establishSession, nextStep } from './finish-sign-in.js';
import { passkeysAvailable } from './passkey-forms.js';

type InteractionRequest = FastifyRequest<{ Params: { id: string } }>;

const RESTART = 'Return to the app and sign in again.';
const METHODS: readonly string[] = ['pwd', 'otp', 'hwk', 'swk'];

/**
 * Who is between factors in this interaction: the user who passed the first factor, or the signed-in
 * user stepping up (then their session must still be live). Undefined when nobody is.
 */
export async function pendingUser(ctx: AppContext, bound: BoundInteraction): Promise<{ user: User; methods: AuthMethod[] } | undefined> {
  const { interaction } = bound;
  if (interaction.pendingUserId === null || interaction.userId !== null) return undefined;
  const user = await ctx.store.users.getById(interaction.pendingUserId);
  if (!user || !user.enabled) throw pageError(`This account can no longer sign in. ${RESTART}`, { status: 403 });
  if (interaction.sessionSid !== null) {
    const live = await liveSessionBySid(ctx, interaction.sessionSid);
    if (!live || live.user.id !== user.id) throw pageError(`Your session has ended. ${RESTART}`, { code: 'login_required' });
  }
  const methods = (interaction.pendingAmr ?? []).filter((m): m is AuthMethod => METHODS.includes(m));
  return { user, methods };
}

/** GET of an interaction between factors: the code page, or the set-up of an authenticator app when the user has none. */
export async function showSecondFactorStep(ctx: AppContext, reply: FastifyReply, bound: BoundInteraction): Promise<FastifyReply | undefined> {
  const pending = await pendingUser(ctx, bound);
  if (!pending) return undefined;
  const passkeys = await ctx.store.passkeys.countForUser(pending.user.id);
  if (levelFor(bound.app, bound.interaction.request, pending.user) === ACR.phr) {
    if (passkeys > 0 && passkeysAvailable(ctx)) return renderSecondFactor(ctx, reply, bound, pending.user, { passkeyOnly: true });
    return renderBlocked(ctx, reply, bound, (m) => m.passkey.appAsksNone(bound.app.displayName));
  }
  if (pending.user.hasSecondFactor) return renderSecondFactor(ctx, reply, bound, pending.user);
  return renderTotpEnrolment(ctx, reply, bound, await startTotpEnrolment(ctx, pending.user));
}

async function requirePending(ctx: AppContext, bound: BoundInteraction) {
  const pending = await pendingUser(ctx, bound);
  if (!pending) throw pageError(`This sign-in request is not waiting for a second factor. ${RESTART}`);
  return pending;
}

/** POST /connect/interaction/:id/second-factor — a TOTP code or a recovery code (throttled per user). */
export async function submitSecondFactor(ctx: AppContext, request: InteractionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const { user, methods } = await requirePending(ctx, bound);
  const code = bound.form.get('code', (d) => pageError(d))?.trim();
  if (!code) {
    const app = (await ctx.store.secondFactors.confirmedTotp(user.id)) !== undefined;
    return renderSecondFactor(ctx, reply, bound, user, { status: 400, error: (m) => (app ? m.secondFactor.missing : m.secondFactor.missingRecovery) });
  }
  const attempt = await attemptSecondFactor(ctx, user, code, bound.app.clientId);
  if (attempt.kind === 'refused') {
    const minutes = Math.max(1, Math.ceil(attempt.retryAfterMs / 60_000));
    reply.header('Retry-After', String(Math.max(1, Math.ceil(attempt.retryAfterMs / 1000))));
    return renderSecondFactor(ctx, reply, bound, user, {
      status: 429,
      error: (m) => m.secondFactor.throttled(minutes),
    });
  }
  if (attempt.kind === 'failed') {
    return renderSecondFactor(ctx, reply, bound, user, { status: 401, error: (m) => m.secondFactor.wrong });
  }
  return continueSignIn(ctx, request, reply, bound, user, amrOf([...methods, 'otp']));
}

/** POST /connect/interaction/:id/enrol-totp — the first code from a newly set-up app turns it on; the recovery codes follow once. */
export async function submitTotpEnrolment(ctx: AppContext, request: InteractionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const { user, methods } = await requirePending(ctx, bound);
  const fail = (d: string) => pageError(d);
  const credentialId = bound.form.get('credential', fail) ?? '';
  const code = bound.form.get('code', fail) ?? '';
  if (!(await confirmTotpEnrolment(ctx, user, credentialId, code))) {
    const enrolment = (await resumeTotpEnrolment(ctx, user, credentialId)) ?? (await startTotpEnrolment(ctx, user));
    return renderTotpEnrolment(ctx, reply, bound, enrolment, {
      status: 400,
      error: (m) => m.secondFactor.enrolWrong,
    });
  }
  await ctx.audit.record({
    actor: `user:${user.id}`,
    action: 'second_factor_enrolled',
    target: { type: 'user', id: user.id },
    userId: user.id,
    clientId: bound.app.clientId,
    sourceAddress: request.ip,
    details: { method: 'totp' },
    message: 'authenticator app set up',
  });
  const codes = await issueRecoveryCodes(ctx, user.id);
  await establishSession(ctx, request, reply, bound, { ...user, hasSecondFactor: true }, amrOf([...methods, 'otp']));
  return renderRecoveryCodes(ctx, reply, bound, codes);
}

/** POST /connect/interaction/:id/continue — after the recovery codes were shown: consent or the app. */
export async function continueAfterEnrolment(ctx: AppContext, request: InteractionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const { interaction } = bound;
  const live = interaction.sessionSid === null ? undefined : await liveSessionBySid(ctx, interaction.sessionSid);
  if (interaction.userId === null || !live || live.user.id !== interaction.userId) {
    throw pageError(`Your session has ended. ${RESTART}`, { code: 'login_required' });
  }
  return nextStep(ctx, reply, bound, live.user, live.session);
}
