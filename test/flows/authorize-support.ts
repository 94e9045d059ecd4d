import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { decodeEntities, parseForms, pkcePair, type TestBrowser } from '../support/browser.js';
import type { AppContext } from '../../src/context.js';

/** Cheap argon2 so sign-in tests stay fast (production defaults are tested elsewhere). */
export const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' };
export const PASSWORD = TEST_PASSWORD;
export const WEB_CALLBACK = 'https://app.example.com/callback';
export const SPA_CALLBACK = 'https://spa.example.com/index.html';
export const PKCE = pkcePair();

export interface SignInServer extends TestServer {
  /** moves the server's clock forward */
  advance(seconds: number): void;
}

/**
 * A server with a movable clock and the standard cast: web.app (confidential, consent, internal
 * users, read update), spa.app (public, community and internal users, loopback redirect),
 * alice (internal), carol (community), and no-consent.app (consent not required).
 */
export async function startSignInServer(databaseUrl: string, env: Record<string, string> = {}, options: { hostName?: string } = {}): Promise<SignInServer> {
  let offset = 0;
  const server = await startTestServer({
    databaseUrl,
    hostName: options.hostName,
    env: { ...FAST_ARGON2, INSTANCE_NAME: 'Acme ERP', ...env },
    now: () => Date.now() + offset,
  });
  const ctx = server.app.ctx;
  await createTestApp(ctx, { clientId: 'web.app', displayName: 'Web Portal' });
  await createTestApp(ctx, {
    clientId: 'spa.app',
    displayName: 'Customer SPA',
    clientType: 'public',
    loginRedirectUris: [SPA_CALLBACK, 'http://127.0.0.1:53177/callback', 'http://[::1]/cb', 'http://localhost:4000/cb'],
    logoutRedirectUris: ['https://spa.example.com/bye'],
    allowCommunityUsers: true,
    allowRefreshTokens: false,
  });
  await createTestApp(ctx, {
    clientId: 'no-consent.app',
    displayName: 'Internal Tool',
    requireConsent: false,
    loginRedirectUris: ['https://tool.example.com/cb'],
  });
  await createTestUser(ctx, { login: 'alice', displayName: 'Alice Anders' });
  await createTestUser(ctx, { login: 'bob', displayName: 'Bob Berg' });
  await createTestUser(ctx, { login: 'carol', kind: 'community', displayName: 'Carol Chen' });
  return Object.assign(server, { advance: (seconds: number) => (offset += seconds * 1000) });
}

export function webParams(extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: 'web.app', redirect_uri: WEB_CALLBACK, response_type: 'code', scope: 'openid read', state: 'st', ...extra };
}

export function spaParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: 'spa.app',
    redirect_uri: SPA_CALLBACK,
    response_type: 'code',
    scope: 'openid read',
    state: 'st',
    code_challenge: PKCE.challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

export function authorizeUrl(issuer: string, params: Record<string, string> | string): string {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return `${issuer}/connect/authorize?${query}`;
}

/** The error code and description shown on the server's error page. */
export async function errorPageOf(res: Response): Promise<{ status: number; code: string; description: string }> {
  const body = await res.text();
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.equal(res.headers.get('location'), null, 'an error page never redirects');
  const code = /Error: <code>([^<]*)<\/code>/.exec(body)?.[1];
  const description = /<p class="error-description">([^<]*)<\/p>/.exec(body)?.[1];
  assert.ok(code && description !== undefined, `not an error page: ${body.slice(0, 300)}`);
  return { status: res.status, code: decodeEntities(code), description: decodeEntities(description) };
}

/** The parameters of the 303 to the app. */
export function redirectParams(res: Response, expectedBase: string): URLSearchParams {
  assert.equal(res.status, 303, `expected a redirect to the app, got ${res.status}`);
  const location = res.headers.get('location')!;
  assert.ok(location.startsWith(`${expectedBase}?`), `redirected to ${location}`);
  return new URL(location).searchParams;
}

/** Starts an interaction and returns the first page (GET of the interaction URL). */
export async function openInteraction(
  browser: TestBrowser,
  issuer: string,
  params: Record<string, string>,
): Promise<{ url: string; html: string; status: number; response: Response }> {
  const start = await browser.get(authorizeUrl(issuer, params));
  assert.equal(start.status, 303, `authorize answered ${start.status}`);
  const url = start.headers.get('location')!;
  assert.ok(url.startsWith(`${issuer}/connect/interaction/`), `not an interaction: ${url}`);
  const response = await browser.get(url);
  return { url, html: await response.clone().text(), status: response.status, response };
}

/** Submits the first form of a page whose action ends with `suffix`, with extra fields. */
export function submit(
  browser: TestBrowser,
  origin: string,
  html: string,
  suffix: string,
  fields: Record<string, string>,
): Promise<Response> {
  const form = parseForms(html).find((f) => f.action.endsWith(suffix));
  assert.ok(form, `no form ending with ${suffix}`);
  return browser.postForm(new URL(form.action, origin), { ...form.fields, ...fields });
}

/** Signs an ID token like the token endpoint does (for id_token_hint tests). */
export async function signIdToken(
  ctx: AppContext,
  claims: { sub: string; aud: string | string[]; sid?: string; iss?: string },
  expiresIn = '5m',
): Promise<string> {
  const key = await ctx.keys.current();
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(claims.iss ?? ctx.config.issuer)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}
