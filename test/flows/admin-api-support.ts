import assert from 'node:assert/strict';
import { TestBrowser, getAuthorizationCode, pkcePair } from '../support/browser.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { startSignInServer, PASSWORD, type SignInServer } from './authorize-support.js';

export const ADMIN_TOOL = { clientId: 'ops.tool', redirectUri: 'http://127.0.0.1:53999/cb' };

/** An access token through the real authorization-code flow (sign-in pages, PKCE, token endpoint). */
export async function tokenFor(server: SignInServer, login: string, options: { clientId?: string; redirectUri?: string; scope?: string } = {}): Promise<string> {
  const clientId = options.clientId ?? ADMIN_TOOL.clientId;
  const redirectUri = options.redirectUri ?? ADMIN_TOOL.redirectUri;
  const pkce = pkcePair();
  const { code } = await getAuthorizationCode(
    new TestBrowser(),
    server.issuer,
    {
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: options.scope ?? 'openid trustgate:admin',
      state: 'st',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    },
    { login, password: PASSWORD },
  );
  const response = await fetch(`${server.issuer}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: pkce.verifier }),
  });
  const body = (await response.json()) as { access_token?: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token!;
}

/** The sign-in cast, an administrator `root`, and `ops.tool`: a public app allowed the admin API. */
export async function startAdminServer(databaseUrl: string): Promise<SignInServer> {
  const server = await startSignInServer(databaseUrl);
  await createTestUser(server.app.ctx, { login: 'root', displayName: 'Root Admin', isAdmin: true });
  await createTestApp(server.app.ctx, {
    clientId: ADMIN_TOOL.clientId,
    clientType: 'public',
    loginRedirectUris: [ADMIN_TOOL.redirectUri],
    scopes: [],
    requireConsent: false,
    adminApi: true,
  });
  return server;
}

/** A call to the admin API. */
export async function api(
  server: SignInServer,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${server.issuer}/admin/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
