import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { TestBrowser, getAuthorizationCode, parseForms, pkcePair, signIn } from '../support/browser.js';
import { sha256 } from '../../src/tokens/opaque.js';

const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' };

describeEachDatabase('sign-in happy path: authorize → login → consent → code', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, env: { ...FAST_ARGON2, INSTANCE_NAME: 'Acme ERP' } });
    await createTestApp(server.app.ctx, { clientId: 'web.app', displayName: 'Web Portal' });
    await createTestApp(server.app.ctx, {
      clientId: 'spa.app',
      clientType: 'public',
      displayName: 'SPA',
      loginRedirectUris: ['https://spa.example.com/index.html'],
    });
    await createTestUser(server.app.ctx, { login: 'alice' });
  });
  after(async () => server?.close());

  it('a confidential app gets a code bound to everything the request said, with state and iss', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(
      `${server.issuer}/connect/authorize?${new URLSearchParams({
        client_id: 'web.app',
        redirect_uri: 'https://app.example.com/callback',
        response_type: 'code',
        scope: 'openid profile read',
        state: 'st-1',
        nonce: 'n-1',
      })}`,
    );
    assert.equal(start.status, 303);
    const interactionUrl = start.headers.get('location')!;
    assert.match(interactionUrl, new RegExp(`^${server.issuer}/connect/interaction/[A-Za-z0-9_-]{32}$`));
    assert.ok(browser.cookie('tg_interaction'));

    const loginPage = await browser.get(interactionUrl);
    assert.equal(loginPage.status, 200);
    const loginHtml = await loginPage.text();
    assert.match(loginHtml, /Sign in to Web Portal/);
    assert.match(loginHtml, /Acme ERP/);
    const [loginForm] = parseForms(loginHtml);
    assert.equal(loginForm!.action, `/id/connect/interaction/${interactionUrl.split('/').pop()}/login`);
    assert.ok(loginForm!.fields.csrf);

    const afterLogin = await browser.postForm(new URL(loginForm!.action, server.origin), {
      csrf: loginForm!.fields.csrf!,
      login: 'alice',
      password: 'correct horse battery staple',
    });
    assert.equal(afterLogin.status, 303);
    assert.equal(afterLogin.headers.get('location'), interactionUrl);
    assert.ok(browser.cookie('tg_session'));

    const consentPage = await browser.get(interactionUrl);
    const consentHtml = await consentPage.text();
    assert.match(consentHtml, /Sign you in/);
    assert.match(consentHtml, /See your name and username/);
    assert.match(consentHtml, /Read your ERP data/);
    const [consentForm] = parseForms(consentHtml);
    const final = await browser.postForm(new URL(consentForm!.action, server.origin), {
      csrf: consentForm!.fields.csrf!,
      decision: 'allow',
    });
    assert.equal(final.status, 303);
    const location = new URL(final.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, 'https://app.example.com/callback');
    assert.equal(location.searchParams.get('state'), 'st-1');
    assert.equal(location.searchParams.get('iss'), server.issuer);
    const code = location.searchParams.get('code')!;
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);

    const record = await server.app.ctx.store.codes.get(sha256(code));
    assert.ok(record, 'the code is stored under its SHA-256');
    assert.equal(await server.app.ctx.store.codes.get(code), undefined, 'the raw code is not stored');
    const alice = await server.app.ctx.store.users.getByLogin('alice');
    assert.equal(record.clientId, 'web.app');
    assert.equal(record.userId, alice!.id);
    assert.equal(record.redirectUri, 'https://app.example.com/callback');
    assert.deepEqual(record.scope, ['openid', 'profile', 'read']);
    assert.equal(record.nonce, 'n-1');
    assert.equal(record.codeChallenge, null);
    assert.deepEqual(record.amr, ['pwd']);
    assert.equal(record.expiresAt - record.createdAt, 60_000);
    assert.equal(record.consumedAt, null);
    assert.ok(record.sid);
    assert.ok(Math.abs(record.authTime - Date.now() / 1000) < 10);
  });

  it('signIn/getAuthorizationCode drive a public app with PKCE; the challenge is bound to the code', async () => {
    const browser = new TestBrowser();
    const { challenge } = pkcePair();
    const result = await getAuthorizationCode(
      browser,
      server.issuer,
      {
        client_id: 'spa.app',
        redirect_uri: 'https://spa.example.com/index.html',
        response_type: 'code',
        scope: 'openid read',
        state: 'xyz',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      { login: 'alice', password: 'correct horse battery staple' },
    );
    assert.equal(result.state, 'xyz');
    assert.equal(result.iss, server.issuer);
    const record = await server.app.ctx.store.codes.get(sha256(result.code));
    assert.equal(record!.codeChallenge, challenge);
    assert.equal(record!.codeChallengeMethod, 'S256');
  });

  it('the consent page answered with deny sends access_denied to the app', async () => {
    const browser = new TestBrowser();
    const url = await signIn(
      browser,
      server.issuer,
      { client_id: 'web.app', redirect_uri: 'https://app.example.com/callback', response_type: 'code', scope: 'update', state: 's9' },
      { login: 'alice', password: 'correct horse battery staple', consent: 'deny' },
    );
    assert.equal(url.searchParams.get('error'), 'access_denied');
    assert.equal(url.searchParams.get('error_description'), 'the user denied the request');
    assert.equal(url.searchParams.get('state'), 's9');
    assert.equal(url.searchParams.get('iss'), server.issuer);
    assert.equal(url.searchParams.get('code'), null);
  });
});
