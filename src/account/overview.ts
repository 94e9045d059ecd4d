import { pageText, type PageText } from '../http/page-language.js';
import { accountMessages } from './render.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ACCOUNT_CLIENT_ID } from '../domain/built-in-apps.js';
import { accountPage } from '../pages/account-page.js';
import { stylesheetPath } from '../pages/stylesheet-path.js';
import { accountSession, type AccountSession } from './account-session.js';
import { ACCOUNT_SECTIONS, type SectionFeedback } from './sections.js';
import { startAccountSignIn } from './start-sign-in.js';
import { sendPage } from './render.js';
import { passkeysAvailable } from '../second-factors/passkeys.js';

/** GET /account — the overview; without a live session the browser signs in first (as the account app). */
export async function showOverview(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const account = await accountSession(ctx, request);
  if (!account) return startAccountSignIn(ctx, reply);
  return renderOverview(ctx, reply, account);
}

/** GET /account/reauthenticate — sign in again (prompt=login, max_age=0), then back to the overview. */
export async function reauthenticate(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const account = await accountSession(ctx, request);
  return startAccountSignIn(ctx, reply, { reauthenticate: true, loginHint: account?.live.user.login });
}

/** The account page for this session, with a notice at the top or one section's problem. */
export async function renderOverview(
  ctx: AppContext,
  reply: FastifyReply,
  account: AccountSession,
  options: { status?: number; notice?: PageText; feedback?: SectionFeedback; createdToken?: string } = {},
): Promise<FastifyReply> {
  const { user } = account.live;
  const m = accountMessages(reply, user);
  const [totp, recoveryCodesLeft, passkeys] = await Promise.all([
    ctx.store.secondFactors.confirmedTotp(user.id),
    ctx.store.secondFactors.recoveryCodesLeft(user.id),
    ctx.store.passkeys.listForUser(user.id),
  ]);
  const view = {
    ctx,
    account,
    feedback: options.feedback,
    messages: m,
    factors: { totp: totp !== undefined, recoveryCodesLeft, passkeys },
    ...(options.createdToken ? { createdToken: options.createdToken } : {}),
  };
  const sections = (await Promise.all(ACCOUNT_SECTIONS.map((section) => section(view)))).filter((section) => section !== undefined);
  return sendPage(
    reply,
    options.status ?? 200,
    accountPage({
      instanceName: ctx.config.instanceName,
      stylesheet: stylesheetPath(ctx.config),
      title: m.account.title(ctx.config.instanceName),
      login: user.login,
      name: user.displayName,
      email: user.email,
      notice: pageText(options.notice, m),
      sections,
      signOutHref: `${ctx.config.issuerPath}/connect/endsession?${new URLSearchParams({ client_id: ACCOUNT_CLIENT_ID })}`,
      messages: m,
    }),
    { scripts: passkeysAvailable(ctx) },
  );
}
