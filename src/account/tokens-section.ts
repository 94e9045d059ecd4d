import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AccountSection } from '../pages/account-page.js';
import { tokensSection, TOKEN_LIFETIMES } from '../pages/tokens-section.js';
import { ReferenceTokenService } from '../admin/reference-token-service.js';
import { AdminError } from '../errors/admin-error.js';
import { pageError } from '../errors/oauth-error.js';
import { allowsUserKind } from '../domain/trusted-application.js';
import { parseDurationSeconds } from '../domain/duration.js';
import type { AccountView } from './sections.js';
import { accountPath } from './paths.js';
import { accountSession, csrfAccepted } from './account-session.js';
import { renderOverview } from './overview.js';
import { readAccountForm, sentence } from './password-form.js';
import { startAccountSignIn } from './start-sign-in.js';
import { sendMessage } from './render.js';
import { FORM_NOT_VERIFIED } from './password-change.js';

export const TOKENS_SECTION_ID = 'tokens';

/**
 * The "Access tokens" section: the user's long-lived reference tokens, and a form to issue one for an
 * app that lets users do so (`--access-tokens users`). Hidden when there is neither.
 */
export async function tokensSectionOf(view: AccountView): Promise<AccountSection | undefined> {
  const { ctx, account, feedback } = view;
  const { user } = account.live;
  const apps = (await ctx.store.apps.list()).filter((app) => app.accessTokens === 'users' && app.enabled && allowsUserKind(app, user.kind));
  const tokens = await ctx.store.referenceTokens.list({ userId: user.id });
  if (apps.length === 0 && tokens.length === 0) return undefined;
  const now = ctx.now();
  return {
    id: TOKENS_SECTION_ID,
    title: 'Access tokens',
    body: tokensSection({
      createAction: accountPath(ctx, '/tokens'),
      revokeAction: accountPath(ctx, '/tokens/revoke'),
      csrf: account.csrf,
      apps: apps.map((app) => ({ clientId: app.clientId, name: app.displayName, scopes: app.scopes })),
      tokens: tokens.map((t) => ({
        id: t.id,
        app: t.clientId,
        scope: t.scope.join(' '),
        description: t.description,
        expires: new Date(t.expiresAt).toISOString().slice(0, 10),
        status: t.revokedAt !== null ? 'revoked' : t.expiresAt > now ? 'active' : 'expired',
      })),
      ...(view.createdToken ? { created: view.createdToken } : {}),
      fresh: account.fresh,
      reauthenticateHref: accountPath(ctx, '/reauthenticate'),
      error: feedback?.section === TOKENS_SECTION_ID ? feedback.error : undefined,
    }),
  };
}

/** POST /account/tokens — issue a token for yourself (CSRF, a fresh sign-in; the app must allow users). */
export async function createToken(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const account = await accountSession(ctx, request);
  if (!account) return startAccountSignIn(ctx, reply);
  const form = readAccountForm(request);
  if (!csrfAccepted(account, form.get('csrf', (d) => pageError(d)))) {
    return sendMessage(ctx, reply, 403, { title: 'Nothing was changed', message: FORM_NOT_VERIFIED, kind: 'error' });
  }
  const { user } = account.live;
  if (!account.fresh) return startAccountSignIn(ctx, reply, { reauthenticate: true, loginHint: user.login });
  const refuse = (error: string) => renderOverview(ctx, reply, account, { status: 400, feedback: { section: TOKENS_SECTION_ID, error } });
  const clientId = form.get('app', (d) => pageError(d));
  const scope = form.get('scope', (d) => pageError(d));
  const lifetime = form.get('expires_in', (d) => pageError(d));
  const description = form.get('description', (d) => pageError(d));
  if (clientId === undefined) return refuse('Choose an app.');
  if (scope === undefined) return refuse('Enter at least one scope.');
  const expiresIn = TOKEN_LIFETIMES.some(([value]) => value === lifetime) ? parseDurationSeconds(lifetime!) : undefined;
  if (expiresIn === undefined) return refuse('Choose when the token expires.');
  try {
    const created = await new ReferenceTokenService({ ...ctx, sourceAddress: request.ip }).create(
      { user: user.login, clientId, scope, expiresIn, description: description ?? null },
      { kind: 'user', userId: user.id },
    );
    return renderOverview(ctx, reply, account, { notice: 'Your access token was created.', createdToken: created.value });
  } catch (error) {
    if (error instanceof AdminError) return refuse(sentence(error.message));
    throw error;
  }
}

/** POST /account/tokens/revoke — revoke one of your tokens (CSRF). */
export async function revokeToken(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const account = await accountSession(ctx, request);
  if (!account) return startAccountSignIn(ctx, reply);
  const form = readAccountForm(request);
  if (!csrfAccepted(account, form.get('csrf', (d) => pageError(d)))) {
    return sendMessage(ctx, reply, 403, { title: 'Nothing was changed', message: FORM_NOT_VERIFIED, kind: 'error' });
  }
  const { user } = account.live;
  const id = form.get('id', (d) => pageError(d));
  try {
    await new ReferenceTokenService({ ...ctx, sourceAddress: request.ip }).revoke(id ?? '', { kind: 'user', userId: user.id });
    return renderOverview(ctx, reply, account, { notice: 'The access token was revoked.' });
  } catch (error) {
    if (error instanceof AdminError) {
      return renderOverview(ctx, reply, account, { status: 400, feedback: { section: TOKENS_SECTION_ID, error: sentence(error.message) } });
    }
    throw error;
  }
}
