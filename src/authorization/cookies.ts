import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';

export const SESSION_COOKIE = 'tg_session';
export const INTERACTION_COOKIE = 'tg_interaction';

// our cookie values are 256-bit base64url random tokens; anything else is ignored
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function options(config: Config, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    secure: config.issuerIsHttps,
    sameSite: 'lax' as const,
    path: config.issuerPath || '/',
    maxAge: maxAgeSeconds,
  };
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies?.[name];
  return typeof value === 'string' && TOKEN_SHAPE.test(value) ? value : undefined;
}

export function setSessionCookie(reply: FastifyReply, config: Config, value: string): void {
  reply.setCookie(SESSION_COOKIE, value, options(config, config.sessionAbsoluteLifetimeSeconds));
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { ...options(config, 0), maxAge: undefined });
}

export function setInteractionCookie(reply: FastifyReply, config: Config, value: string): void {
  reply.setCookie(INTERACTION_COOKIE, value, options(config, config.interactionLifetimeSeconds));
}
