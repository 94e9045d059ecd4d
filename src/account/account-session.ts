import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { authenticationIsFresh } from '../domain/session.js';
import { SESSION_COOKIE, readCookie } from '../authorization/cookies.js';
import { currentSession, touchSession, type LiveSession } from '../authorization/sessions.js';
import { csrfToken } from '../authorization/csrf.js';
import { constantTimeEqual } from '../tokens/opaque.js';

/** The signed-in user as the account pages see them. */
export interface AccountSession {
  live: LiveSession;
  /** the CSRF token of the account forms: derived from the secret session cookie, so bound to this session */
  csrf: string;
  /** signed in within ACCOUNT_REAUTH_SECONDS: changes are accepted */
  fresh: boolean;
}

const CSRF_PURPOSE = 'account';

/**
 * The account pages authorize with the SSO session the sign-in pages create (cookie and store record,
 * live and with an enabled user). Using them keeps the session from going idle.
 */
export async function accountSession(ctx: AppContext, request: FastifyRequest): Promise<AccountSession | undefined> {
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  if (!cookie) return undefined;
  const live = await currentSession(ctx, request);
  if (!live) return undefined;
  await touchSession(ctx, live.session);
  return {
    live,
    csrf: csrfToken(cookie, CSRF_PURPOSE),
    fresh: authenticationIsFresh(live.session.authTime, ctx.config.accountReauthSeconds, ctx.now()),
  };
}

/** Whether a submitted form carries this session's CSRF token (compared in constant time). */
export function csrfAccepted(account: AccountSession, submitted: string | undefined): boolean {
  return submitted !== undefined && submitted.length <= 100 && constantTimeEqual(submitted, account.csrf);
}
