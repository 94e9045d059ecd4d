import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser } from '../support/browser.js';
import { postForm } from '../support/token-helpers.js';
import { AppService } from '../../src/admin/app-service.js';
import { errorPageOf, openInteraction, startSignInServer, submit, webParams, type SignInServer } from './authorize-support.js';

const NUL_CLIENT = 'client_id contains a character that is not allowed (NUL or an unpaired surrogate)';

/** Basic credentials whose client_id is `clientId` as raw bytes (RFC 6749 2.3.1 form-encodes, an attacker need not). */
function rawBasic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`, 'utf8').toString('base64')}`;
}

/**
 * Identifiers from a request that PostgreSQL cannot store (a NUL byte) are refused before they reach the
 * database, with the fitting OAuth error, on both databases (PostgreSQL would answer 500).
 */
describeEachDatabase('hostile input never reaches the database', (database) => {
  let server: SignInServer;
  let webSecret: string;
  before(async () => {
    server = await startSignInServer(database().url);
    webSecret = (await new AppService(server.app.ctx).addSecret('web.app', { generateSecret: true })).generatedSecret!;
  });
  after(async () => server?.close());

  const endpoints = ['/connect/token', '/connect/revocation', '/connect/introspect'];

  for (const path of endpoints) {
    it(`${path}: a NUL byte in the Basic client_id is invalid_client (401), raw or form-encoded`, async () => {
      for (const authorization of [rawBasic('\u0000', 's'), rawBasic('web\u0000app', 's'), rawBasic('%00', 's')]) {
        const res = await postForm(`${server.issuer}${path}`, { grant_type: 'authorization_code', code: 'x', token: 'x' }, {
          headers: { authorization },
        });
        assert.equal(res.status, 401, `${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body, { error: 'invalid_client', error_description: NUL_CLIENT });
        assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      }
    });

    it(`${path}: a NUL byte in the form's client_id is invalid_client (401)`, async () => {
      const res = await postForm(`${server.issuer}${path}`, { grant_type: 'refresh_token', refresh_token: 'x', token: 'x', client_id: 'spa\u0000app' });
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.deepEqual(res.body, { error: 'invalid_client', error_description: NUL_CLIENT });
    });
  }

  it('a code or refresh token with a NUL byte is invalid_grant, never a server error', async () => {
    const basic = { clientId: 'web.app', secret: webSecret };
    const code = await postForm(`${server.issuer}/connect/token`, {
      grant_type: 'authorization_code', code: 'abc\u0000def', redirect_uri: 'https://app.example.com/callback',
    }, { basic });
    assert.equal(code.status, 400);
    assert.equal(code.body.error, 'invalid_grant');
    const refresh = await postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: '\u0000' }, { basic });
    assert.equal(refresh.status, 400);
    assert.equal(refresh.body.error, 'invalid_grant');
    const revoked = await postForm(`${server.issuer}/connect/revocation`, { token: 'a\u0000b' }, { basic });
    assert.equal(revoked.status, 200, 'RFC 7009: an unknown token is not an error');
    const introspected = await postForm(`${server.issuer}/connect/introspect`, { token: 'a\u0000b' }, { basic });
    assert.deepEqual(introspected.body, { active: false });
  });

  it('a login with a NUL byte is refused (400) before any lookup or throttle counter', async () => {
    const browser = new TestBrowser();
    const page = await openInteraction(browser, server.issuer, webParams());
    const res = await submit(browser, server.origin, page.html, '/login', { login: 'alice\u0000', password: 'whatever-it-is' });
    assert.deepEqual(await errorPageOf(res), {
      status: 400,
      code: 'invalid_request',
      description: 'the parameter login contains a NUL character or an unpaired surrogate',
    });
    // the account's counter was not touched: alice still signs in at once
    const again = await submit(browser, server.origin, page.html, '/login', { login: 'alice', password: 'correct horse battery staple' });
    assert.ok(again.status === 303 || again.status === 200, `HTTP ${again.status}`);
  });

  it('cookies with a NUL byte are ignored', async () => {
    const browser = new TestBrowser();
    browser.setCookie(server.origin, 'tg_session', '%00', '/');
    browser.setCookie(server.origin, 'tg_interaction', 'a%00b', '/');
    const res = await browser.get(`${server.issuer}/connect/authorize?${new URLSearchParams(webParams())}`);
    assert.equal(res.status, 303, 'a fresh sign-in starts');
  });
});
