import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Store } from '../stores/store.js';
import { constantTimeEqual, randomToken } from '../tokens/opaque.js';

/**
 * The device cookie (OWASP "device cookies"): after a successful sign-in the browser gets a cookie that
 * names the user and a random device id, with a MAC under a key the nodes share. A later attempt for
 * that user from this browser is throttled only by its own counter, so an attacker's guesses elsewhere
 * never keep the owner out. It grants nothing else: no session, no sign-in.
 */
export interface DeviceCookie {
  userId: string;
  deviceId: string;
}

const SECRET_NAME = 'device-cookie-mac-key';
const keys = new WeakMap<Store, Promise<string>>();

function macKey(ctx: AppContext): Promise<string> {
  let key = keys.get(ctx.store);
  if (!key) {
    key = ctx.store.serverSecrets.getOrCreate(SECRET_NAME, randomToken(32), ctx.now());
    key.catch(() => keys.delete(ctx.store));
    keys.set(ctx.store, key);
  }
  return key;
}

function cookieName(ctx: AppContext): string {
  return ctx.config.issuerIsHttps ? '__Host-tg_device' : 'tg_device';
}

function mac(key: string, payload: string): string {
  return createHmac('sha256', key).update(`device:${payload}`).digest('base64url');
}

const SHAPE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** The browser's device cookie, when it is one we issued, unexpired; undefined otherwise. */
export async function readDeviceCookie(ctx: AppContext, request: FastifyRequest): Promise<DeviceCookie | undefined> {
  const value = request.cookies?.[cookieName(ctx)];
  const match = typeof value === 'string' ? SHAPE.exec(value) : null;
  if (!match) return undefined;
  const [, userId, deviceId, issuedAt, presented] = match as unknown as [string, string, string, string, string];
  const payload = `${userId}.${deviceId}.${issuedAt}`;
  if (!constantTimeEqual(mac(await macKey(ctx), payload), presented)) return undefined;
  if (Number(issuedAt) * 1000 + ctx.config.deviceCookieLifetimeSeconds * 1000 <= ctx.now()) return undefined;
  return { userId, deviceId };
}

/** Gives (or renews) this browser's device cookie for `userId`, keeping its device id when it had one for them. */
export async function issueDeviceCookie(
  ctx: AppContext,
  reply: FastifyReply,
  userId: string,
  previous: DeviceCookie | undefined,
): Promise<void> {
  const deviceId = previous?.userId === userId ? previous.deviceId : randomToken(16);
  const payload = `${userId}.${deviceId}.${Math.floor(ctx.now() / 1000)}`;
  const https = ctx.config.issuerIsHttps;
  reply.setCookie(cookieName(ctx), `${payload}.${mac(await macKey(ctx), payload)}`, {
    httpOnly: true,
    secure: https,
    sameSite: 'strict',
    path: https ? '/' : ctx.config.issuerPath || '/',
    maxAge: ctx.config.deviceCookieLifetimeSeconds,
  });
}
