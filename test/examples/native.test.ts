import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { startErpApi, type RunningErpApi } from '../../examples/erp-api/server.js';
import { runNativeApp } from '../../examples/native/native-app.js';

describeEachDatabase('examples/native: RFC 8252 loopback flow against the real server', (database) => {
  let server: TestServer;
  let api: RunningErpApi;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    const ctx = server.app.ctx;
    await createTestApp(ctx, {
      clientId: 'com.example/native',
      clientType: 'public',
      loginRedirectUris: ['http://127.0.0.1/callback'],
      logoutRedirectUris: [],
      scopes: ['read'],
    });
    await createTestUser(ctx, { login: 'nina', displayName: 'Nina Native' });
    await createTestUser(ctx, { login: 'nora' });
    api = await startErpApi({ issuer: server.issuer, audience: 'erp-api', databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await api?.close();
    await server?.close();
  });

  it('signs in through the browser, receives the code on a random loopback port, calls the API', async () => {
    const browser = new TestBrowser();
    const lines: string[] = [];
    let authorizeUrl: URL | undefined;
    let finalPage = '';
    const result = await runNativeApp({
      issuer: server.issuer,
      clientId: 'com.example/native',
      apiUrl: api.url,
      print: (line) => lines.push(line),
      timeoutMs: 20_000,
      openBrowser: async (url) => {
        authorizeUrl = new URL(url);
        const params = Object.fromEntries(authorizeUrl.searchParams);
        const back = await signIn(browser, server.issuer, params, { login: 'nina', password: 'correct horse battery staple' });
        assert.equal(back.origin, new URL(params.redirect_uri!).origin);
        const res = await browser.fetch(back);
        finalPage = await res.text();
      },
    });
    assert.ok(authorizeUrl);
    const redirect = new URL(authorizeUrl.searchParams.get('redirect_uri')!);
    assert.equal(redirect.hostname, '127.0.0.1');
    assert.notEqual(redirect.port, '');
    assert.equal(redirect.pathname, '/callback');
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorizeUrl.searchParams.get('state'));
    assert.equal(result.user.login, 'nina');
    assert.equal(result.user.name, 'Nina Native');
    assert.deepEqual((result.me as { scopes: string[] }).scopes.sort(), ['offline_access', 'openid', 'profile', 'read']);
    assert.deepEqual(result.orders, []);
    assert.ok(lines.includes(authorizeUrl.href), 'the authorize URL is printed');
    await new Promise((r) => setTimeout(r, 50));
    assert.match(finalPage, /Signed in/);
  });

  it('reports the error when the user denies consent, without calling the API', async () => {
    const browser = new TestBrowser();
    await assert.rejects(
      runNativeApp({
        issuer: server.issuer,
        clientId: 'com.example/native',
        apiUrl: api.url,
        print: () => undefined,
        timeoutMs: 20_000,
        openBrowser: async (url) => {
          const params = Object.fromEntries(new URL(url).searchParams);
          const back = await signIn(browser, server.issuer, params, { login: 'nora', password: 'correct horse battery staple', consent: 'deny' });
          assert.equal(back.searchParams.get('error'), 'access_denied');
          await browser.fetch(back);
        },
      }),
      (error: Error & { error?: string }) => {
        assert.equal(error.error, 'access_denied');
        return true;
      },
    );
  });

  it('the loopback listener ignores callbacks that do not carry its state', async () => {
    let listenerUrl: URL | undefined;
    const run = runNativeApp({
      issuer: server.issuer,
      clientId: 'com.example/native',
      apiUrl: api.url,
      print: () => undefined,
      timeoutMs: 1_500,
      openBrowser: async (url) => {
        listenerUrl = new URL(new URL(url).searchParams.get('redirect_uri')!);
        const forged = new URL(listenerUrl);
        forged.searchParams.set('code', 'attacker-code');
        forged.searchParams.set('state', 'not-the-state');
        const res = await fetch(forged);
        assert.equal(res.status, 400);
      },
    });
    await assert.rejects(run, /timed out waiting for the browser/);
  });
});
