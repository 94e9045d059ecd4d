import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Config } from '../config/config.js';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPE, consoleCallbackUrl } from '../domain/built-in-apps.js';
import { s256Challenge } from '../checks/pkce-verifier.js';
import { clearCookie, readCookie, setCookie } from '../authorization/cookies.js';
import { setNoStore } from '../http/security-headers.js';
import { constantTimeEqual, randomToken } from '../tokens/opaque.js';
import { isConsoleSubPath } from './paths.js';

const PENDING_COOKIE = 'tg_console_signin';

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

/** State and PKCE verifier derived from the browser's one random cookie value (nothing stored on the server). */
function derive(secret: string, returnTo: string): PendingSignIn {
  const mac = (purpose: string) => createHmac('sha256', secret).update(`console-sign-in:${purpose}`).digest('base64url');
  return { state: `${mac(`state:${returnTo}`)}.${Buffer.from(returnTo).toString('base64url')}`, verifier: mac('pkce-verifier'), returnTo };
}

/**
 * Sends the browser through /connect/authorize as the console app (public, PKCE S256, exact redirect URI
 * `{issuer}/admin/callback`): the sign-in pages apply every rule, as for any app. The state and verifier
 * are bound to this browser by a short-lived cookie (HttpOnly, SameSite=Lax, `__Host-` on https).
 */
export function startConsoleSignIn(ctx: AppContext, reply: FastifyReply, returnTo = '', options: { reauthenticate?: boolean } = {}): FastifyReply {
  const secret = randomToken(32);
  setCookie(reply, ctx.config, PENDING_COOKIE, secret, ctx.config.interactionLifetimeSeconds);
  const { state, verifier } = derive(secret, isConsoleSubPath(returnTo) ? returnTo : '');
  const params = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    redirect_uri: consoleCallbackUrl(ctx.config.issuer),
    response_type: 'code',
    scope: CONSOLE_SCOPE,
    state,
    code_challenge: s256Challenge(verifier),
    code_challenge_method: 'S256',
  });
  if (options.reauthenticate) params.set('prompt', 'login');
  setNoStore(reply);
  return reply.code(303).header('Location', `${ctx.config.issuer}/connect/authorize?${params}`).send();
}

/** The pending sign-in that `state` answers, if this browser started it. */
export function pendingConsoleSignIn(request: FastifyRequest, config: Config, state: string | undefined): PendingSignIn | undefined {
  const secret = readCookie(request, config, PENDING_COOKIE);
  if (secret === undefined || state === undefined) return undefined;
  const [, encodedReturn, ...rest] = state.split('.');
  if (encodedReturn === undefined || rest.length > 0) return undefined;
  const returnTo = Buffer.from(encodedReturn, 'base64url').toString('utf8');
  if (!isConsoleSubPath(returnTo)) return undefined;
  const pending = derive(secret, returnTo);
  return constantTimeEqual(pending.state, state) ? pending : undefined;
}

export function clearConsoleSignIn(reply: FastifyReply, config: Config): void {
  clearCookie(reply, config, PENDING_COOKIE);
}
