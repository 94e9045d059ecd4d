import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';

/** Base names of the cookies Trustgate sets (see cookieName for the name a browser sees). */
export const SESSION_COOKIE = 'tg_session';
export const INTERACTION_COOKIE = 'tg_interaction';

// our cookie values are 256-bit base64url random tokens; anything else is ignored
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The name a cookie has for this issuer. On an https issuer every cookie is a `__Host-` cookie
 * (RFC 6265bis 4.1.3.2: Secure, Path=/, no Domain), which a sibling subdomain or a plain-http page
 * cannot plant or overwrite; an http (loopback development) issuer uses the plain name.
 */
export function cookieName(config: Pick<Config, 'issuerIsHttps'>, base: string): string {
  return config.issuerIsHttps ? `__Host-${base}` : base;
}

function options(config: Config, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    secure: config.issuerIsHttps,
    sameSite: 'lax' as const,
    // __Host- requires Path=/; an http issuer keeps its cookies to its own path
    path: config.issuerIsHttps ? '/' : config.issuerPath || '/',
    maxAge: maxAgeSeconds,
  };
}

/** The value of one of our cookies, under the only name this issuer uses for it; malformed values are ignored. */
export function readCookie(request: FastifyRequest, config: Config, base: string): string | undefined {
  const value = request.cookies?.[cookieName(config, base)];
  return typeof value === 'string' && TOKEN_SHAPE.test(value) ? value : undefined;
}

/** Sets one of our cookies: HttpOnly, SameSite=Lax, and on https issuers `__Host-`, Secure, Path=/. */
export function setCookie(reply: FastifyReply, config: Config, base: string, value: string, maxAgeSeconds: number): void {
  reply.setCookie(cookieName(config, base), value, options(config, maxAgeSeconds));
}

export function clearCookie(reply: FastifyReply, config: Config, base: string): void {
  reply.clearCookie(cookieName(config, base), { ...options(config, 0), maxAge: undefined });
}

export function setSessionCookie(reply: FastifyReply, config: Config, value: string): void {
  setCookie(reply, config, SESSION_COOKIE, value, config.sessionAbsoluteLifetimeSeconds);
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  clearCookie(reply, config, SESSION_COOKIE);
}

export function setInteractionCookie(reply: FastifyReply, config: Config, value: string): void {
  setCookie(reply, config, INTERACTION_COOKIE, value, config.interactionLifetimeSeconds);
}
