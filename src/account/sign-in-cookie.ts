import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { clearCookie, readCookie, setCookie } from '../authorization/cookies.js';
import { constantTimeEqual, randomToken } from '../tokens/opaque.js';
import { isAccountSubPath } from './paths.js';

/** The account area's pending sign-in: what /account/callback needs to check the answer of /connect/authorize. */
export interface PendingSignIn {
  /** sent as `state`: names the page to return to and is bound to this browser's secret */
  state: string;
  /** the PKCE code_verifier (the authorize request carries its S256 challenge) */
  verifier: string;
  /** the account page to show afterwards ('' for the overview) */
  returnTo: string;
}

const PENDING_COOKIE = 'tg_account_signin';

/**
 * The state and the verifier of a pending sign-in, derived from the browser's secret cookie value: the
 * cookie holds one random value, like every cookie of ours, and nothing is stored on the server.
 */
function derive(secret: string, returnTo: string): PendingSignIn {
  const mac = (purpose: string) => createHmac('sha256', secret).update(`account-sign-in:${purpose}`).digest('base64url');
  return { state: `${mac(`state:${returnTo}`)}.${Buffer.from(returnTo).toString('base64url')}`, verifier: mac('pkce-verifier'), returnTo };
}

/**
 * Starts a pending sign-in bound to this browser by a cookie (HttpOnly, SameSite=Lax, `__Host-` on https
 * issuers; as short-lived as a sign-in, INTERACTION_LIFETIME). A sign-in started in another tab replaces it.
 */
export function startPendingSignIn(reply: FastifyReply, config: Config, returnTo: string): PendingSignIn {
  const secret = randomToken(32);
  setCookie(reply, config, PENDING_COOKIE, secret, config.interactionLifetimeSeconds);
  return derive(secret, returnTo);
}

/** The pending sign-in that `state` answers, if this browser started it. */
export function pendingSignInFor(request: FastifyRequest, config: Config, state: string | undefined): PendingSignIn | undefined {
  const secret = readCookie(request, config, PENDING_COOKIE);
  if (secret === undefined || state === undefined) return undefined;
  const [, encodedReturn, ...rest] = state.split('.');
  if (encodedReturn === undefined || rest.length > 0) return undefined;
  const returnTo = Buffer.from(encodedReturn, 'base64url').toString('utf8');
  if (!isAccountSubPath(returnTo)) return undefined;
  const pending = derive(secret, returnTo);
  return constantTimeEqual(pending.state, state) ? pending : undefined;
}

/** A pending sign-in is answered once. */
export function clearPendingSignIn(reply: FastifyReply, config: Config): void {
  clearCookie(reply, config, PENDING_COOKIE);
}
