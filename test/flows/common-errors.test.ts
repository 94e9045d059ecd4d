import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, getAuthorizationCode, pkcePair, signIn } from '../support/browser.js';
import { AppService } from '../../src/admin/app-service.js';

/**
 * Every row of the seed's "Common Errors" table (shared/reference/erp-identity-facts.md), reproduced
 * through the real sign-in and the real token endpoint: the app sees exactly that error.
 */
describeEachDatabase('seed "Common Errors": each row reproduced', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  const ctx = () => server.app.ctx;
  const CALLBACK = 'https://app.example.com/callback';

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
  });
  after(async () => server?.close());

  const authorizeParams = (extra: Record<string, string> = {}) => ({
    response_type: 'code', client_id: world.web.clientId, redirect_uri: CALLBACK, scope: 'openid offline_access read', state: 'xyz', ...extra,
  });
  const credentials = () => ({ login: world.user.login, password: world.user.password });
  const authorizeUrl = (params: Record<string, string>) => `${server.issuer}/connect/authorize?${new URLSearchParams(params)}`;
  const token = (params: Record<string, string>, secret = world.web.secret) =>
    postForm(`${server.issuer}/connect/token`, params, { basic: { clientId: world.web.clientId, secret } });

  async function codeWithPkce(): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, authorizeParams({ code_challenge: challenge, code_challenge_method: 'S256' }), credentials());
    return { code, verifier };
  }

  it('Invalid redirect URI: invalid_redirect_uri shown by the server, never a redirect', async () => {
    const res = await fetch(authorizeUrl(authorizeParams({ redirect_uri: 'https://evil.example/callback' })), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(res.headers.get('content-type')!, /text\/html/);
    assert.match(await res.text(), /invalid_redirect_uri/);
  });

  it('Missing or invalid client credentials: invalid_client (unknown app, wrong or missing secret, secret from a public app)', async () => {
    const { code, verifier } = await codeWithPkce();
    const base = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier };
    const unknown = await postForm(`${server.issuer}/connect/token`, { ...base, client_id: 'not.registered' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_client');
    const wrong = await token(base, 'definitely-not-the-secret-of-this-app');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const missing = await postForm(`${server.issuer}/connect/token`, { ...base, client_id: world.web.clientId });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, 'invalid_client');
    const publicWithSecret = await postForm(`${server.issuer}/connect/token`, { ...base, client_id: world.spa.clientId, client_secret: 'x'.repeat(43) });
    assert.equal(publicWithSecret.status, 401);
    assert.equal(publicWithSecret.body.error, 'invalid_client');
    // none of those consumed the code
    assert.equal((await token(base)).status, 200);
  });

  it('Grant type not allowed: unsupported_grant_type', async () => {
    for (const grantType of ['password', 'implicit']) {
      const res = await token({ grant_type: grantType, scope: 'read' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'unsupported_grant_type');
    }
    // a public app is interactive only: it can never use client_credentials (issue 12 C). A confidential
    // app without a system user is unauthorized_client instead (an administrator could allow it).
    const fromPublicApp = await postForm(`${server.issuer}/connect/token`, { grant_type: 'client_credentials', client_id: world.spa.clientId });
    assert.equal(fromPublicApp.status, 400);
    assert.equal(fromPublicApp.body.error, 'unsupported_grant_type');
  });

  it('PKCE failed: invalid_grant "PKCE verification failed"', async () => {
    const { code } = await codeWithPkce();
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: pkcePair().verifier });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
  });

  it('Scope not allowed: invalid_scope (sign-in, and a refresh that widens the scope)', async () => {
    const url = await signIn(new TestBrowser(), server.issuer, authorizeParams({ scope: 'openid sec' }), credentials());
    assert.equal(url.origin + url.pathname, CALLBACK);
    assert.equal(url.searchParams.get('error'), 'invalid_scope');
    assert.equal(url.searchParams.get('state'), 'xyz');

    const { code, verifier } = await codeWithPkce();
    const tokens = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    const widened = await token({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, scope: 'read update' });
    assert.equal(widened.status, 400);
    assert.equal(widened.body.error, 'invalid_scope');
  });

  it('Code expired, reused or redirect URI differs: invalid_grant', async () => {
    const differs = await codeWithPkce();
    const r1 = await token({ grant_type: 'authorization_code', code: differs.code, redirect_uri: 'https://app.example.com/other', code_verifier: differs.verifier });
    assert.deepEqual(r1.body, { error: 'invalid_grant', error_description: 'redirect_uri does not match' });

    const reused = await codeWithPkce();
    const ok = await token({ grant_type: 'authorization_code', code: reused.code, redirect_uri: CALLBACK, code_verifier: reused.verifier });
    assert.equal(ok.status, 200);
    const r2 = await token({ grant_type: 'authorization_code', code: reused.code, redirect_uri: CALLBACK, code_verifier: reused.verifier });
    assert.deepEqual(r2.body, { error: 'invalid_grant', error_description: 'authorization code was already used' });

    const expired = await codeWithPkce();
    clock.advance(ctx().config.authorizationCodeLifetimeSeconds + 1);
    const r3 = await token({ grant_type: 'authorization_code', code: expired.code, redirect_uri: CALLBACK, code_verifier: expired.verifier });
    assert.deepEqual(r3.body, { error: 'invalid_grant', error_description: 'authorization code expired' });
  });

  it('Refresh token expired or invalid: invalid_grant "refresh token is expired or invalid"', async () => {
    const { code, verifier } = await codeWithPkce();
    const tokens = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    const rotated = await token({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    assert.equal(rotated.status, 200);
    // revoked (already rotated, presented after the reuse grace window)
    clock.advance(31);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    assert.equal(reused.body.error, 'invalid_grant');
    assert.ok(reused.body.error_description.startsWith('refresh token is expired or invalid'), reused.body.error_description);
    // invalid
    const invalid = await token({ grant_type: 'refresh_token', refresh_token: 'garbage' });
    assert.deepEqual(invalid.body, { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token is unknown' });
    // expired
    const fresh = await codeWithPkce();
    const t2 = await token({ grant_type: 'authorization_code', code: fresh.code, redirect_uri: CALLBACK, code_verifier: fresh.verifier });
    clock.advance(30 * 86400 + 1);
    const expired = await token({ grant_type: 'refresh_token', refresh_token: t2.body.refresh_token });
    assert.deepEqual(expired.body, { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token expired; sign the user in again' });
  });

  it('Access token expired: the API answers 401', async () => {
    const { code, verifier } = await codeWithPkce();
    const tokens = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    const call = () => fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    assert.equal((await call()).status, 200);
    clock.advance(3600 + 10);
    const res = await call();
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate')!, /^Bearer error="invalid_token"/);
  });

  it('App disabled: unauthorized_client at authorize and at the token endpoint; an unknown client_id gets a page at authorize', async () => {
    const { code, verifier } = await codeWithPkce();
    const service = new AppService(ctx());
    await service.disable(world.web.clientId);
    try {
      const page = await fetch(authorizeUrl(authorizeParams()), { redirect: 'manual' });
      assert.equal(page.status, 400);
      assert.equal(page.headers.get('location'), null);
      assert.match(await page.text(), /unauthorized_client/);
      const res = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'unauthorized_client');
    } finally {
      await service.enable(world.web.clientId);
    }
    const unknown = await fetch(authorizeUrl(authorizeParams({ client_id: 'not.registered' })), { redirect: 'manual' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('location'), null);
    assert.match(unknown.headers.get('content-type')!, /text\/html/);
  });
});
