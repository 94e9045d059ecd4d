import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { pageError } from '../errors/oauth-error.js';
import { ACCOUNT_CLIENT_ID } from '../domain/built-in-apps.js';
import { isStorableText } from '../domain/text.js';
import { setNoStore } from '../http/security-headers.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { html } from '../pages/html.js';
import { totpEnrolmentPage } from '../pages/totp-enrolment-page.js';
import { recoveryCodesPage } from '../pages/recovery-codes-page.js';
import { MAX_PASSKEY_NAME, registerPasskey, registrationOptions } from '../second-factors/passkeys.js';
import { confirmTotpEnrolment, resumeTotpEnrolment, startTotpEnrolment, type TotpEnrolment } from '../second-factors/totp.js';
import { issueRecoveryCodes } from '../second-factors/recovery-codes.js';
import type { SingleParams } from '../http/single-params.js';
import { accountSession, csrfAccepted, type AccountSession } from './account-session.js';
import { renderOverview } from './overview.js';
import { readAccountForm } from './password-form.js';
import { FORM_NOT_VERIFIED } from './password-change.js';
import { startAccountSignIn } from './start-sign-in.js';
import { accountMessages, sendMessage, sendPage } from './render.js';
import { accountPath } from './paths.js';
import { PASSKEYS_SECTION_ID, RECOVERY_SECTION_ID, TOTP_SECTION_ID } from './second-factors-section.js';

type Change = { account: AccountSession; form: SingleParams };

/**
 * Every change to second factors: the session's CSRF token, then a sign-in within ACCOUNT_REAUTH_SECONDS
 * (a full sign-in with the factors the user's policy asks for); otherwise the browser signs in again first
 * and nothing changes. Refusals are audited.
 */
async function change(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, action: string): Promise<Change | undefined> {
  // undefined: the answer was sent (a reply is thenable, so it is not handed back through a promise)
  const account = await accountSession(ctx, request);
  if (!account) {
    startAccountSignIn(ctx, reply);
    return undefined;
  }
  const form = readAccountForm(request);
  const { user, session } = account.live;
  const refused = (reason: string) =>
    ctx.audit.record({
      actor: `user:${user.id}`,
      action: 'account_change_refused',
      outcome: 'refused',
      reason,
      target: { type: 'user', id: user.id },
      userId: user.id,
      clientId: ACCOUNT_CLIENT_ID,
      sourceAddress: request.ip,
      details: { change: action, sid: session.sid },
      message: 'account change refused',
    });
  if (!csrfAccepted(account, form.get('csrf', (d) => pageError(d)))) {
    await refused('csrf');
    sendMessage(ctx, reply, 403, { title: (m) => m.account.nothingChanged, message: FORM_NOT_VERIFIED, kind: 'error' });
    return undefined;
  }
  if (!account.fresh) {
    await refused('reauthentication_required');
    startAccountSignIn(ctx, reply, { reauthenticate: true, loginHint: user.login });
    return undefined;
  }
  return { account, form };
}

const bindingOf = (account: AccountSession) => `session:${account.live.session.sid}`;

/** A change the user made to their own second factors: always stored in the audit trail. */
function audit(ctx: AppContext, request: FastifyRequest, account: AccountSession, action: string, details: Record<string, unknown> = {}, outcome: 'success' | 'failure' = 'success') {
  const { user, session } = account.live;
  return ctx.audit.record({
    actor: `user:${user.id}`,
    action,
    outcome,
    target: { type: 'user', id: user.id },
    userId: user.id,
    clientId: ACCOUNT_CLIENT_ID,
    sourceAddress: request.ip,
    details: { by: 'account', sid: session.sid, ...details },
    administrative: true,
    message: action.replace(/_/g, ' '),
  });
}

/** POST /account/passkeys/options — registration options with a challenge kept on the server for this session. */
export async function accountPasskeyOptions(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const account = await accountSession(ctx, request);
  const form = readAccountForm(request);
  setNoStore(reply);
  if (!account || !csrfAccepted(account, form.get('csrf', (d) => pageError(d))) || !account.fresh) {
    return reply.code(403).send({ error: 'Sign in again on your account page before adding a passkey.' });
  }
  return reply.code(200).send(await registrationOptions(ctx, account.live.user, bindingOf(account)));
}

function passkeyName(form: SingleParams): string | undefined {
  const name = form.get('name', (d) => pageError(d))?.trim();
  return name && name.length <= MAX_PASSKEY_NAME && isStorableText(name) ? name : undefined;
}

/** POST /account/passkeys — the browser's answer to the registration options: a new passkey. */
export async function addPasskey(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'passkey_add');
  if (!allowed) return reply;
  const { account, form } = allowed;
  const name = passkeyName(form);
  const t = accountMessages(reply, account.live.user).accountFactors;
  const refuse = (error: string) => renderOverview(ctx, reply, account, { status: 400, feedback: { section: PASSKEYS_SECTION_ID, error } });
  if (!name) return refuse(t.badName(MAX_PASSKEY_NAME));
  const registered = await registerPasskey(ctx, account.live.user, bindingOf(account), form.get('response', (d) => pageError(d)), name);
  if (registered.kind === 'failed') {
    await audit(ctx, request, account, 'passkey_registration_failed', { reason: registered.reason }, 'failure');
    return refuse(t.addFailed);
  }
  await audit(ctx, request, account, 'passkey_added', { name, backedUp: registered.credential.backedUp });
  return renderOverview(ctx, reply, account, { notice: t.passkeyAdded(name) });
}

/** POST /account/passkeys/rename */
export async function renamePasskey(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'passkey_rename');
  if (!allowed) return reply;
  const { account, form } = allowed;
  const name = passkeyName(form);
  const credential = form.get('credential', (d) => pageError(d)) ?? '';
  const t = accountMessages(reply, account.live.user).accountFactors;
  if (!name) return renderOverview(ctx, reply, account, { status: 400, feedback: { section: PASSKEYS_SECTION_ID, error: t.badName(MAX_PASSKEY_NAME) } });
  if (!(await ctx.store.passkeys.rename(account.live.user.id, credential, name))) {
    return renderOverview(ctx, reply, account, { status: 404, feedback: { section: PASSKEYS_SECTION_ID, error: t.notYours } });
  }
  await audit(ctx, request, account, 'passkey_renamed', { name });
  return renderOverview(ctx, reply, account, { notice: t.passkeyRenamed(name) });
}

/** POST /account/passkeys/remove */
export async function removePasskey(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'passkey_remove');
  if (!allowed) return reply;
  const { account, form } = allowed;
  const credential = form.get('credential', (d) => pageError(d)) ?? '';
  const found = (await ctx.store.passkeys.listForUser(account.live.user.id)).find((p) => p.id === credential);
  const t = accountMessages(reply, account.live.user).accountFactors;
  if (!found || !(await ctx.store.passkeys.remove(account.live.user.id, credential))) {
    return renderOverview(ctx, reply, account, { status: 404, feedback: { section: PASSKEYS_SECTION_ID, error: t.notYours } });
  }
  await audit(ctx, request, account, 'passkey_removed', { name: found.name });
  return renderOverview(ctx, reply, account, { notice: t.passkeyRemoved(found.name) });
}

function sendTotpEnrolment(ctx: AppContext, reply: FastifyReply, account: AccountSession, enrolment: TotpEnrolment, error?: string): FastifyReply {
  const m = accountMessages(reply, account.live.user);
  return sendPage(
    reply,
    error ? 400 : 200,
    totpEnrolmentPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      lead: m.accountFactors.totpLead,
      action: accountPath(ctx, '/totp/confirm'),
      csrf: account.csrf,
      credentialId: enrolment.credentialId,
      qrSvg: enrolment.qrSvg,
      secret: enrolment.secret,
      error,
      leave: html`<p><a href="${accountPath(ctx)}">${m.accountFactors.backNothingChanges}</a></p>`,
      messages: m,
    }),
  );
}

/** POST /account/totp — starts setting up an authenticator app: the QR code and the secret, shown once. */
export async function startAccountTotp(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'totp_enrol');
  if (!allowed) return reply;
  return sendTotpEnrolment(ctx, reply, allowed.account, await startTotpEnrolment(ctx, allowed.account.live.user));
}

/** POST /account/totp/confirm — the first code from the app turns it on (and recovery codes, when there are none). */
export async function confirmAccountTotp(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'totp_enrol');
  if (!allowed) return reply;
  const { account, form } = allowed;
  const { user } = account.live;
  const credentialId = form.get('credential', (d) => pageError(d)) ?? '';
  if (!(await confirmTotpEnrolment(ctx, user, credentialId, form.get('code', (d) => pageError(d)) ?? ''))) {
    const enrolment = (await resumeTotpEnrolment(ctx, user, credentialId)) ?? (await startTotpEnrolment(ctx, user));
    return sendTotpEnrolment(ctx, reply, account, enrolment, accountMessages(reply, user).secondFactor.enrolWrong);
  }
  await audit(ctx, request, account, 'second_factor_enrolled', { method: 'totp' });
  if ((await ctx.store.secondFactors.recoveryCodesLeft(user.id)) > 0) {
    return renderOverview(ctx, reply, account, { notice: (m) => m.accountFactors.totpSetUp });
  }
  return sendRecoveryCodes(ctx, reply, account, await issueRecoveryCodes(ctx, user.id));
}

/** POST /account/totp/remove */
export async function removeAccountTotp(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'totp_remove');
  if (!allowed) return reply;
  const { account } = allowed;
  if ((await ctx.store.secondFactors.removeTotp(account.live.user.id)) === 0) {
    return renderOverview(ctx, reply, account, { status: 404, feedback: { section: TOTP_SECTION_ID, error: accountMessages(reply, account.live.user).accountFactors.totpOff } });
  }
  await audit(ctx, request, account, 'second_factor_removed', { method: 'totp' });
  return renderOverview(ctx, reply, account, { notice: (m) => m.accountFactors.totpRemoved });
}

/** POST /account/recovery-codes — a new set (the old one stops working), shown once. */
export async function regenerateRecoveryCodes(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const allowed = await change(ctx, request, reply, 'recovery_codes_regenerate');
  if (!allowed) return reply;
  const { account } = allowed;
  if (!account.live.user.hasSecondFactor) {
    return renderOverview(ctx, reply, account, { status: 400, feedback: { section: RECOVERY_SECTION_ID, error: accountMessages(reply, account.live.user).accountFactors.factorFirst } });
  }
  await audit(ctx, request, account, 'recovery_codes_regenerated');
  const app = (await ctx.store.secondFactors.confirmedTotp(account.live.user.id)) !== undefined;
  return sendRecoveryCodes(ctx, reply, account, await issueRecoveryCodes(ctx, account.live.user.id), app);
}

function sendRecoveryCodes(ctx: AppContext, reply: FastifyReply, account: AccountSession, codes: readonly string[], authenticatorApp = true): FastifyReply {
  const m = accountMessages(reply, account.live.user);
  return sendPage(
    reply,
    200,
    recoveryCodesPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      codes,
      action: accountPath(ctx, '/done'),
      csrf: account.csrf,
      continueLabel: m.accountFactors.backToAccount,
      authenticatorApp,
      messages: m,
    }),
  );
}

/** POST /account/done — "Continue" after codes were shown: back to the overview. */
export function backToAccount(ctx: AppContext, reply: FastifyReply): FastifyReply {
  setNoStore(reply);
  return reply.code(303).header('Location', accountPath(ctx)).send();
}
