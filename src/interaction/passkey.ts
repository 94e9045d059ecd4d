import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { pageError } from '../errors/oauth-error.js';
import { amrOf } from '../domain/authentication-level.js';
import { setNoStore } from '../http/security-headers.js';
import type { PageText } from '../http/page-language.js';
import { attemptPasskey, authenticationOptions, registerPasskey, registrationOptions, type PasskeyAttempt } from '../second-factors/passkeys.js';
import { issueRecoveryCodes } from '../second-factors/recovery-codes.js';
import { loadBoundInteraction, type BoundInteraction } from './load.js';
import { renderLogin } from './render.js';
import { renderRecoveryCodes, renderSecondFactor, renderTotpEnrolment } from './render-second-factor.js';
import { pendingUser } from './second-factor.js';
import { continueSignIn, establishSession } from './finish-sign-in.js';
import { refuseAfterFirstFactor } from './first-factor-checks.js';
import { startTotpEnrolment } from '../second-factors/totp.js';
import { passkeysAvailable } from './passkey-forms.js';

type InteractionRequest = FastifyRequest<{ Params: { id: string } }>;

const RESTART = 'Return to the app and sign in again.';
const PURPOSES = ['sign-in', 'second-factor', 'register'] as const;
type Purpose = (typeof PURPOSES)[number];

/** The single-use challenges of a sign-in belong to its interaction. */
const bindingOf = (bound: BoundInteraction) => `interaction:${bound.interaction.id}`;

function purposeOf(bound: BoundInteraction): Purpose {
  const purpose = bound.form.get('purpose', (d) => pageError(d));
  if (!(PURPOSES as readonly string[]).includes(purpose ?? '')) throw pageError('This passkey request is not one the page can make. Reload the page and try again.');
  return purpose as Purpose;
}

/** Who may use a passkey in this interaction for this purpose (nobody yet for a passwordless sign-in). */
async function subjectFor(ctx: AppContext, bound: BoundInteraction, purpose: Purpose) {
  if (!passkeysAvailable(ctx)) throw pageError('Passkeys cannot be used with this server address.');
  if (purpose === 'sign-in') {
    if (bound.interaction.userId !== null || bound.interaction.pendingUserId !== null) {
      throw pageError(`This sign-in request is not waiting for a sign-in. ${RESTART}`);
    }
    return undefined;
  }
  const pending = await pendingUser(ctx, bound);
  if (!pending) throw pageError(`This sign-in request is not waiting for a second factor. ${RESTART}`);
  if (purpose === 'register' && pending.user.hasSecondFactor) throw pageError(`This account already has a second factor. ${RESTART}`);
  return pending;
}

/** POST /connect/interaction/:id/passkey-options — WebAuthn options with a new challenge kept on the server for this interaction. */
export async function passkeyOptions(ctx: AppContext, request: InteractionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const purpose = purposeOf(bound);
  const pending = await subjectFor(ctx, bound, purpose);
  const options =
    purpose === 'register'
      ? await registrationOptions(ctx, pending!.user, bindingOf(bound))
      : await authenticationOptions(ctx, bindingOf(bound), pending?.user ?? null);
  setNoStore(reply);
  return reply.code(200).send(options);
}

function refusedMessage(attempt: Extract<PasskeyAttempt, { kind: 'refused' }>, reply: FastifyReply): PageText {
  const minutes = Math.max(1, Math.ceil(attempt.retryAfterMs / 60_000));
  reply.header('Retry-After', String(Math.max(1, Math.ceil(attempt.retryAfterMs / 1000))));
  return (m) => m.passkey.throttled(minutes);
}

const PASSKEY_FAILED: PageText = (m) => m.passkey.failed;

/** POST /connect/interaction/:id/passkey — a passkey assertion: passwordless (purpose sign-in) or as the second factor. */
export async function submitPasskey(ctx: AppContext, request: InteractionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const purpose = purposeOf(bound);
  if (purpose === 'register') throw pageError('This passkey request is not one the page can make. Reload the page and try again.');
  const pending = await subjectFor(ctx, bound, purpose);
  const response = bound.form.get('response', (d) => pageError(d));
  const attempt = await attemptPasskey(ctx, bindingOf(bound), response, pending?.user ?? null, { clientId: bound.app.clientId, sourceAddress: request.ip });
  if (!pending) {
    if (attempt.kind === 'refused') return renderLogin(ctx, reply, bound, { status: 429, error: refusedMessage(attempt, reply) });
    if (attempt.kind === 'failed') return renderLogin(ctx, reply, bound, { status: 401, error: PASSKEY_FAILED });
    const refused = refuseAfterFirstFactor(ctx, reply, bound, attempt.user);
    if (refused) return refused;
    return continueSignIn(ctx, request, reply, bound, attempt.user, amrOf([attempt.method], { userVerified: attempt.userVerified }));
  }
  const { user, methods } = pending;
  if (attempt.kind === 'refused') return renderSecondFactor(ctx, reply, bound, user, { status: 429, error: refusedMessage(attempt, reply) });
  if (attempt.kind === 'failed') return renderSecondFactor(ctx, reply, bound, user, { status: 401, error: PASSKEY_FAILED });
  return continueSignIn(ctx, request, reply, bound, user, amrOf([...methods, attempt.method], { userVerified: attempt.userVerified }));
}

/** POST /connect/interaction/:id/enrol-passkey — a user who must use a second factor and has none registers a passkey. */
export async function submitPasskeyEnrolment(ctx: AppContext, request: InteractionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const bound = await loadBoundInteraction(ctx, request, request.params.id, true);
  const pending = await subjectFor(ctx, bound, 'register');
  const { user, methods } = pending!;
  const fail = (d: string) => pageError(d);
  const registration = await registerPasskey(ctx, user, bindingOf(bound), bound.form.get('response', fail), bound.form.get('name', fail) ?? 'Passkey');
  if (registration.kind === 'failed') {
    await ctx.audit.record({
      actor: `user:${user.id}`,
      action: 'passkey_registration_failed',
      outcome: 'failure',
      reason: registration.reason,
      userId: user.id,
      clientId: bound.app.clientId,
      sourceAddress: request.ip,
      message: 'passkey not registered',
    });
    return renderTotpEnrolment(ctx, reply, bound, await startTotpEnrolment(ctx, user), {
      status: 400,
      error: (m) => m.passkey.enrolFailed,
    });
  }
  const method = registration.credential.backedUp ? 'swk' : 'hwk';
  await ctx.audit.record({
    actor: `user:${user.id}`,
    action: 'second_factor_enrolled',
    target: { type: 'user', id: user.id },
    userId: user.id,
    clientId: bound.app.clientId,
    sourceAddress: request.ip,
    details: { method: 'passkey', name: registration.credential.name },
    administrative: true,
    message: 'passkey registered',
  });
  const codes = await issueRecoveryCodes(ctx, user.id);
  await establishSession(ctx, request, reply, bound, { ...user, hasSecondFactor: true }, amrOf([...methods, method]));
  // set up at sign-in instead of an app: the user has a passkey and no authenticator app
  return renderRecoveryCodes(ctx, reply, bound, codes, { authenticatorApp: false });
}
