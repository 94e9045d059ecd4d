import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import type { PasswordReset } from '../domain/password-reset.js';
import { hashPassword } from '../domain/password.js';
import { passwordProblem } from '../checks/password-policy.js';
import { sha256 } from '../tokens/opaque.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { passwordResetPage } from '../pages/password-reset-page.js';
import { newPasswordFrom, readAccountForm, sentence } from './password-form.js';
import { accountPath } from './paths.js';
import { accountMessages, sendMessage, sendPage } from './render.js';

type TokenParams = { Params: { token: string } };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

class ResetLost extends Error {}

/** A link that is unknown, used or expired: one answer for all three, so the page tells nothing about which. */
function invalidLink(ctx: AppContext, reply: FastifyReply): FastifyReply {
  return sendMessage(ctx, reply, 404, {
    title: (m) => m.account.resetInvalidTitle,
    message: (m) => m.account.resetInvalid,
    kind: 'error',
  });
}

/** The reset this link stands for and its user, while it is unused and unexpired. */
async function usableReset(ctx: AppContext, token: string): Promise<{ reset: PasswordReset; user: User } | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const reset = await ctx.store.passwordResets.findUsable(sha256(token), ctx.now());
  const user = reset ? await ctx.store.users.getById(reset.userId) : undefined;
  return reset && user ? { reset, user } : undefined;
}

function renderForm(ctx: AppContext, reply: FastifyReply, request: FastifyRequest<TokenParams>, user: User, status = 200, error?: string) {
  return sendPage(
    reply,
    status,
    passwordResetPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      login: user.login,
      action: accountPath(ctx, `/reset/${request.params.token}`),
      error,
      messages: accountMessages(reply, user),
    }),
  );
}

/** GET /account/reset/:token — the form for the new password. */
export async function showPasswordReset(ctx: AppContext, request: FastifyRequest<TokenParams>, reply: FastifyReply): Promise<FastifyReply> {
  const found = await usableReset(ctx, request.params.token);
  if (!found) return invalidLink(ctx, reply);
  return renderForm(ctx, reply, request, found.user);
}

/**
 * POST /account/reset/:token — sets the new password. The token is consumed in the same transaction that
 * writes the password, ends every session of the user and revokes every refresh-token family: of several
 * submissions (on any nodes) exactly one succeeds.
 */
export async function submitPasswordReset(ctx: AppContext, request: FastifyRequest<TokenParams>, reply: FastifyReply): Promise<FastifyReply> {
  const found = await usableReset(ctx, request.params.token);
  if (!found) return invalidLink(ctx, reply);
  const { reset, user } = found;
  const entered = newPasswordFrom(readAccountForm(request));
  if ('problem' in entered) return renderForm(ctx, reply, request, user, 400, entered.problem);
  const problem = await passwordProblem(entered.password, user);
  if (problem) return renderForm(ctx, reply, request, user, 400, sentence(problem));

  const passwordHash = await hashPassword(entered.password, ctx.config.argon2);
  const now = ctx.now();
  try {
    await ctx.store.withTransaction(async (tx) => {
      if ((await tx.passwordResets.consume(reset.tokenHash, now)) !== user.id) throw new ResetLost();
      const endAccess = { at: now, reason: 'password_reset' as const };
      if (!(await tx.users.setPasswordHash(user.id, passwordHash, now, { endAccess }))) throw new ResetLost();
    });
  } catch (error) {
    if (error instanceof ResetLost) return invalidLink(ctx, reply);
    throw error;
  }
  ctx.log.info({ event: 'password_changed', by: 'reset_link', userId: user.id }, 'password reset; every session ended');
  return sendMessage(ctx, reply, 200, {
    title: (m) => m.account.resetDoneTitle,
    message: (m) => m.account.resetDone(user.login),
    kind: 'notice',
    link: { href: accountPath(ctx), text: 'Sign in' },
  });
}
