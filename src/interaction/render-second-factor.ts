import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { BoundInteraction } from './load.js';
import type { User } from '../domain/user.js';
import type { TotpEnrolment } from '../second-factors/totp.js';
import { setPageHeaders } from '../http/security-headers.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { html } from '../pages/html.js';
import { secondFactorPage } from '../pages/second-factor-page.js';
import { totpEnrolmentPage } from '../pages/totp-enrolment-page.js';
import { recoveryCodesPage } from '../pages/recovery-codes-page.js';
import { interactionPath } from '../authorization/sign-in.js';
import { passkeyEnrolmentForm, passkeySecondFactorForm, passkeysAvailable } from './passkey-forms.js';
import { pageText, requestMessages, type PageText } from '../http/page-language.js';
import type { Messages } from '../pages/messages/index.js';

function send(reply: FastifyReply, status: number, bound: BoundInteraction, body: string, scripts = false): FastifyReply {
  setPageHeaders(reply, [bound.interaction.request.redirectUri], { scripts });
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

function messagesOf(reply: FastifyReply, bound: BoundInteraction): Messages {
  return requestMessages(reply.request, bound.interaction.request.uiLocales);
}

function cancelForm(ctx: AppContext, bound: BoundInteraction, m: Messages) {
  return html`<form method="post" action="${interactionPath(ctx, bound.interaction.id, 'abort')}" class="secondary">
<input type="hidden" name="csrf" value="${bound.csrf}">
<input type="hidden" name="reason" value="cancel">
<button type="submit" class="link">${m.common.cancelAndReturn(bound.app.displayName)}</button>
</form>`;
}

/**
 * The second step of a sign-in: a code from the authenticator app or a recovery code, and the user's
 * passkeys when they have any (`passkeyOnly`: only a passkey reaches the level the app asked for).
 * Without an authenticator app the code field is for a recovery code, and says so.
 */
export async function renderSecondFactor(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  user: User,
  options: { status?: number; error?: PageText; passkeyOnly?: boolean } = {},
): Promise<FastifyReply> {
  const m = messagesOf(reply, bound);
  const [passkeys, totp] = await Promise.all([ctx.store.passkeys.countForUser(user.id), ctx.store.secondFactors.confirmedTotp(user.id)]);
  const passkey = (passkeys > 0 || options.passkeyOnly === true) && passkeysAvailable(ctx);
  return send(
    reply,
    options.status ?? 200,
    bound,
    secondFactorPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      appName: bound.app.displayName,
      action: interactionPath(ctx, bound.interaction.id, 'second-factor'),
      cancelAction: interactionPath(ctx, bound.interaction.id, 'abort'),
      csrf: bound.csrf,
      login: user.login,
      error: pageText(options.error, m),
      messages: m,
      codes: options.passkeyOnly !== true,
      authenticatorApp: totp !== undefined,
      lead: options.passkeyOnly ? m.passkey.appAsks(bound.app.displayName) : undefined,
      alternatives: passkey ? passkeySecondFactorForm(ctx, bound, m) : undefined,
    }),
    passkey,
  );
}

/** Setting up an authenticator app during sign-in (the user or the app requires a second factor). */
export function renderTotpEnrolment(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  enrolment: TotpEnrolment,
  options: { status?: number; error?: PageText } = {},
): FastifyReply {
  const m = messagesOf(reply, bound);
  return send(
    reply,
    options.status ?? 200,
    bound,
    totpEnrolmentPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      lead: m.totp.leadSignIn(bound.app.displayName),
      action: interactionPath(ctx, bound.interaction.id, 'enrol-totp'),
      csrf: bound.csrf,
      credentialId: enrolment.credentialId,
      qrSvg: enrolment.qrSvg,
      secret: enrolment.secret,
      error: pageText(options.error, m),
      leave: passkeysAvailable(ctx) ? html`${passkeyEnrolmentForm(ctx, bound, m)}${cancelForm(ctx, bound, m)}` : cancelForm(ctx, bound, m),
      messages: m,
    }),
    passkeysAvailable(ctx),
  );
}

/** The new recovery codes, once; "Continue" goes on with the sign-in. */
export function renderRecoveryCodes(
  ctx: AppContext,
  reply: FastifyReply,
  bound: BoundInteraction,
  codes: readonly string[],
  options: { authenticatorApp?: boolean } = {},
): FastifyReply {
  const m = messagesOf(reply, bound);
  return send(
    reply,
    200,
    bound,
    recoveryCodesPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      codes,
      action: interactionPath(ctx, bound.interaction.id, 'continue'),
      csrf: bound.csrf,
      continueLabel: m.common.continueTo(bound.app.displayName),
      authenticatorApp: options.authenticatorApp,
      messages: m,
    }),
  );
}
