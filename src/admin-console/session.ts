import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { SESSION_COOKIE, readCookie } from '../authorization/cookies.js';
import { currentSession, touchSession, type LiveSession } from '../authorization/sessions.js';
import { csrfToken } from '../authorization/csrf.js';
import { constantTimeEqual } from '../tokens/opaque.js';
import { CONSOLE_CLIENT_ID } from '../domain/built-in-apps.js';
import type { AdminActor } from '../admin/admin-deps.js';

/** The signed-in administrator as the console pages see them. */
export interface ConsoleSession {
  live: LiveSession;
  /** the CSRF token of the console's forms: derived from the secret session cookie, so bound to this session */
  csrf: string;
  actor: AdminActor;
}

/**
 * The console works on the SSO session the sign-in pages create (live, user enabled), for a user who is an
 * administrator now (checked on every request: taking the flag away locks them out at once). `undefined`:
 * nobody is signed in; `'forbidden'`: the signed-in user is not an administrator.
 */
export async function consoleSession(ctx: AppContext, request: FastifyRequest): Promise<ConsoleSession | 'forbidden' | undefined> {
  const cookie = readCookie(request, ctx.config, SESSION_COOKIE);
  if (!cookie) return undefined;
  const live = await currentSession(ctx, request);
  if (!live) return undefined;
  if (!live.user.isAdmin) return 'forbidden';
  await touchSession(ctx, live.session);
  return {
    live,
    csrf: csrfToken(cookie, 'console'),
    actor: { id: `user:${live.user.id}`, userId: live.user.id, login: live.user.login, clientId: CONSOLE_CLIENT_ID },
  };
}

/** Whether a submitted form carries this session's CSRF token (compared in constant time). */
export function consoleCsrfAccepted(session: ConsoleSession, submitted: string | undefined): boolean {
  return submitted !== undefined && submitted.length <= 100 && constantTimeEqual(submitted, session.csrf);
}
