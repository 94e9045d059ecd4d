import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import type { AuthorizationCodeRecord } from '../../src/domain/authorization-code.js';
import { randomToken, sha256 } from '../../src/tokens/opaque.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A fresh RFC 7636 verifier (43 characters) and its S256 challenge. */
export function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * Mints an authorization code straight into the store, as /connect/authorize would after sign-in and
 * consent. For token-endpoint error rows; end-to-end flows use the real sign-in (test/support/browser.ts).
 */
export async function mintCode(
  ctx: AppContext,
  options: {
    clientId: string;
    userId: string;
    redirectUri?: string;
    scope?: string[];
    codeChallenge?: string | null;
    nonce?: string | null;
    lifetimeSeconds?: number;
    sid?: string;
    amr?: string[];
  },
): Promise<string> {
  const code = randomToken(32);
  const now = ctx.now();
  const record: AuthorizationCodeRecord = {
    codeHash: sha256(code),
    clientId: options.clientId,
    userId: options.userId,
    redirectUri: options.redirectUri ?? 'https://app.example.com/callback',
    scope: options.scope ?? ['openid', 'profile', 'email', 'offline_access', 'read'],
    codeChallenge: options.codeChallenge ?? null,
    codeChallengeMethod: options.codeChallenge ? 'S256' : null,
    nonce: options.nonce ?? null,
    sid: options.sid ?? randomToken(16),
    authTime: Math.floor(now / 1000),
    amr: options.amr ?? ['pwd'],
    createdAt: now,
    expiresAt: now + (options.lifetimeSeconds ?? 60) * 1000,
    consumedAt: null,
    issuedFamilyId: null,
    issuedAccessJti: null,
    issuedAccessExpiresAt: null,
  };
  await ctx.store.codes.insert(record);
  return code;
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs a form (application/x-www-form-urlencoded) and parses the JSON answer (if any). */
export async function postForm<T = Record<string, any>>(
  url: string,
  params: Record<string, string | string[]>,
  options: { basic?: { clientId: string; secret: string }; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  if (options.basic) headers.authorization = basicAuthorization(options.basic.clientId, options.basic.secret);
  const res = await fetch(url, { method: 'POST', headers, body: body.toString() });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/** RFC 6749 2.3.1: form-urlencode each part, then base64 "id:secret". */
export function basicAuthorization(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/** Decodes a JWT's header and payload without verifying (tests verify signatures separately). */
export function decodeJwt(token: string): { header: Record<string, any>; payload: Record<string, any> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')),
  };
}

/** A controllable clock for a test server (epoch milliseconds). */
export function testClock(start = Date.now()): { now: () => number; advance(seconds: number): void } {
  let current = start;
  return {
    now: () => current,
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

export interface TokenWorld {
  /** confidential app (client_id with "/" to exercise form-urlencoded Basic credentials) */
  web: { clientId: string; secret: string };
  /** public app (PKCE, no secret) */
  spa: { clientId: string };
  /** another confidential app */
  other: { clientId: string; secret: string };
  user: { id: string; login: string; password: string };
}

/** The apps and user most token tests need. */
export async function setupTokenWorld(ctx: AppContext): Promise<TokenWorld> {
  const { createTestApp, createTestUser } = await import('./fixtures.js');
  const web = await createTestApp(ctx, { clientId: 'my.trusted.app/first', requireConsent: false });
  const spa = await createTestApp(ctx, {
    clientId: 'com.vendor/spa',
    clientType: 'public',
    loginRedirectUris: ['https://spa.example.com/index.html'],
    scopes: ['read'],
    requireConsent: false,
  });
  const other = await createTestApp(ctx, { clientId: 'other.app', requireConsent: false });
  const { user, password } = await createTestUser(ctx, { login: 'alice', displayName: 'Alice Example', locale: 'en-GB' });
  return {
    web: { clientId: web.app.clientId, secret: web.secret! },
    spa: { clientId: spa.app.clientId },
    other: { clientId: other.app.clientId, secret: other.secret! },
    user: { id: user.id, login: user.login, password },
  };
}

/**
 * `trustgate keys rotate --now` in process: a new key for every algorithm in use that signs at once;
 * the replaced keys stay published for `keepPublishedSeconds`. Returns the new key of SIGNING_ALG.
 */
export async function rotateKeysNow(ctx: AppContext, keepPublishedSeconds: number): Promise<string> {
  const staged = await ctx.keys.rotate({ immediately: true, keepPublishedSeconds });
  const key = staged.find((k) => k.alg === ctx.config.signingAlg);
  if (!key) throw new Error('the rotation added no key for SIGNING_ALG');
  return key.kid;
}
