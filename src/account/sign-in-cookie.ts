import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { isAccountSubPath } from './paths.js';

/** The account area's pending sign-in: what /account/callback needs to check the answer of /connect/authorize. */
export interface PendingSignIn {
  state: string;
  /** the PKCE code_verifier (the authorize request carried its S256 challenge) */
  verifier: string;
  /** the account page to show afterwards ('' for the overview) */
  returnTo: string;
}

const COOKIE = 'tg_account_signin';
const RANDOM = /^[A-Za-z0-9_-]{43}$/;

function options(config: Config, maxAge: number) {
  return {
    httpOnly: true,
    secure: config.issuerIsHttps,
    sameSite: 'lax' as const,
    // sent only to the account area (the callback), never to the protocol endpoints
    path: `${config.issuerPath}/account`,
    maxAge,
  };
}

/**
 * Binds the pending sign-in to this browser: HttpOnly, SameSite=Lax, as short-lived as a sign-in
 * (INTERACTION_LIFETIME). A second sign-in started in another tab replaces it.
 */
export function setPendingSignIn(reply: FastifyReply, config: Config, pending: PendingSignIn): void {
  const value = `${pending.state}.${pending.verifier}.${Buffer.from(pending.returnTo).toString('base64url')}`;
  reply.setCookie(COOKIE, value, options(config, config.interactionLifetimeSeconds));
}

/** The pending sign-in of this browser, if its cookie is there and well-formed. */
export function readPendingSignIn(request: FastifyRequest): PendingSignIn | undefined {
  const value = request.cookies?.[COOKIE];
  if (typeof value !== 'string') return undefined;
  const [state, verifier, encodedReturn, ...rest] = value.split('.');
  if (rest.length > 0 || !state || !verifier || encodedReturn === undefined) return undefined;
  if (!RANDOM.test(state) || !RANDOM.test(verifier)) return undefined;
  const returnTo = Buffer.from(encodedReturn, 'base64url').toString('utf8');
  return isAccountSubPath(returnTo) ? { state, verifier, returnTo } : undefined;
}

/** A pending sign-in is answered once. */
export function clearPendingSignIn(reply: FastifyReply, config: Config): void {
  reply.clearCookie(COOKIE, { ...options(config, 0), maxAge: undefined });
}
