import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { hashPassword } from '../domain/password.js';
import { attemptPassword } from '../authorization/password-attempt.js';
import { readDeviceCookie } from '../authorization/device-cookie.js';
import { ACCOUNT_CLIENT_ID } from '../domain/built-in-apps.js';
import { passwordProblem } from '../checks/password-policy.js';
import { pageError } from '../errors/oauth-error.js';
import { accountSession, csrfAccepted, type AccountSession } from './account-session.js';
import { renderOverview } from './overview.js';
import { PASSWORD_SECTION_ID } from './password-section.js';
import { newPasswordFrom, readAccountForm, sentence } from './password-form.js';
import { startAccountSignIn } from './start-sign-in.js';
import { accountMessages, sendMessage } from './render.js';

export const FORM_NOT_VERIFIED =
  'The form could not be verified: it was not sent from your account page in this session. Nothing was changed.';

/**
 * POST /account/password — current password and the new one twice. Accepted only with this session's
 * CSRF token and a sign-in within ACCOUNT_REAUTH_SECONDS (otherwise the user signs in again first).
 * The new password is hashed with argon2id; in one transaction every other session of the user ends
 * and every refresh-token family is revoked, while this session stays signed in.
 */
export async function changePassword(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const account = await accountSession(ctx, request);
  if (!account) return startAccountSignIn(ctx, reply);
  const form = readAccountForm(request);
  if (!csrfAccepted(account, form.get('csrf', (d) => pageError(d)))) {
    return sendMessage(ctx, reply, 403, { title: (m) => m.account.nothingChanged, message: FORM_NOT_VERIFIED, kind: 'error' });
  }
  const { user, session } = account.live;
  if (!account.fresh) return startAccountSignIn(ctx, reply, { reauthenticate: true, loginHint: user.login });

  const m = accountMessages(reply, user);
  const refuse = (error: string) => renderOverview(ctx, reply, account, { status: 400, feedback: { section: PASSWORD_SECTION_ID, error } });
  const current = form.get('current_password', (d) => pageError(d));
  if (current === undefined) return refuse(m.account.currentMissing);
  const entered = newPasswordFrom(form);
  if ('problem' in entered) return refuse(entered.problem);
  // the current password is guessed at the same throttle as at sign-in (a fresh session is not a licence to try)
  const device = await readDeviceCookie(ctx, request);
  const attempt = await attemptPassword(ctx, { login: user.login, password: current, ip: request.ip, device, clientId: ACCOUNT_CLIENT_ID });
  if (attempt.kind === 'refused') {
    reply.header('Retry-After', String(Math.max(1, Math.ceil(attempt.retryAfterMs / 1000))));
    return renderOverview(ctx, reply, account, {
      status: 429,
      feedback: { section: PASSWORD_SECTION_ID, error: m.account.tooManyWrongPasswords },
    });
  }
  if (attempt.kind === 'failed' || attempt.user.id !== user.id) {
    ctx.log.info({ event: 'password_change_refused', reason: 'wrong_current_password', userId: user.id, sid: session.sid }, 'password change refused');
    return refuse(m.account.currentWrong);
  }
  if (entered.password === current) return refuse(m.account.sameAsCurrent);
  const problem = await passwordProblem(entered.password, user);
  if (problem) return refuse(sentence(problem));

  const passwordHash = await hashPassword(entered.password, ctx.config.argon2);
  const now = ctx.now();
  const endAccess = { at: now, reason: 'password_changed' as const, keepSession: session.idHash };
  if (!(await ctx.store.users.setPasswordHash(user.id, passwordHash, now, { endAccess }))) {
    throw pageError('Your account no longer exists.', { status: 404 });
  }
  const changed = { ...user, passwordHash, updatedAt: Math.max(now, user.updatedAt) };
  ctx.log.info({ event: 'password_changed', by: 'account', userId: user.id, sid: session.sid }, 'password changed; other sessions ended');
  const updated: AccountSession = { ...account, live: { ...account.live, user: changed } };
  return renderOverview(ctx, reply, updated, {
    notice: (msg) => msg.account.passwordChanged,
  });
}
