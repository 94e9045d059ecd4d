import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { createTestApp } from '../support/fixtures.js';
import {
  PASSWORD,
  WEB_CALLBACK,
  authorizeUrl,
  redirectParams,
  startSignInServer,
  webParams,
  type SignInServer,
} from './authorize-support.js';

describeEachDatabase('consent: plain words, remembered per user and app, asked again only for new scopes', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url);
    await createTestApp(server.app.ctx, {
      clientId: 'api.app',
      displayName: 'Domain Tool',
      scopes: ['read', 'DomainApi'],
      loginRedirectUris: ['https://api.example.com/cb'],
    });
  });
  after(async () => server?.close());

  async function consentPageFor(browser: TestBrowser, params: Record<string, string>): Promise<string> {
    const start = await browser.get(authorizeUrl(server.issuer, params));
    const location = start.headers.get('location')!;
    assert.ok(location.startsWith(`${server.issuer}/connect/interaction/`), `expected an interaction, got ${location}`);
    return (await browser.get(location)).text();
  }

  it('lists every requested scope in plain words (unknown API scopes by name)', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams({ client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' }), { login: 'bob', password: PASSWORD });
    const html = await consentPageFor(browser, {
      ...webParams(),
      scope: 'openid profile email offline_access read update',
    });
    assert.match(html, /<h1>Allow Web Portal to access your account\?<\/h1>/);
    assert.match(html, /Signed in as <strong>Bob Berg<\/strong>/);
    for (const text of [
      'Sign you in',
      'See your name and username',
      'See your email address',
      'Stay signed in when you are away',
      'Read your ERP data',
      'Change your ERP data',
    ]) {
      assert.ok(html.includes(`>${text}</li>`), text);
    }
    assert.match(html, /<button type="submit" name="decision" value="allow"/);
    assert.match(html, /<button type="submit" name="decision" value="deny"/);
    const other = await consentPageFor(browser, webParams({ client_id: 'api.app', redirect_uri: 'https://api.example.com/cb', scope: 'DomainApi' }));
    assert.match(other, /Use the &quot;DomainApi&quot; API on your behalf/);
  });

  it('a grant is remembered: the next sign-in is silent; a new scope asks again; the grant is the union', async () => {
    const browser = new TestBrowser();
    const first = await signIn(browser, server.issuer, webParams({ scope: 'openid read' }), { login: 'alice', password: PASSWORD });
    assert.ok(first.searchParams.get('code'));
    const alice = (await server.app.ctx.store.users.getByLogin('alice'))!;
    assert.deepEqual(await server.app.ctx.store.consents.get(alice.id, 'web.app'), ['openid', 'read']);

    const silent = await browser.get(authorizeUrl(server.issuer, webParams({ scope: 'read' })));
    assert.ok(redirectParams(silent, WEB_CALLBACK).get('code'), 'a subset of the grant is silent');

    const more = await browser.get(authorizeUrl(server.issuer, webParams({ scope: 'openid read update' })));
    assert.ok(more.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`), 'a new scope asks again');
    const url = await signIn(browser, server.issuer, webParams({ scope: 'openid read update' }), { login: 'alice', password: PASSWORD });
    assert.ok(url.searchParams.get('code'));
    assert.deepEqual(await server.app.ctx.store.consents.get(alice.id, 'web.app'), ['openid', 'read', 'update']);

    const prompted = await browser.get(authorizeUrl(server.issuer, webParams({ prompt: 'consent' })));
    assert.ok(prompted.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`), 'prompt=consent forces the page');
  });

  it('a denied request is not remembered', async () => {
    const browser = new TestBrowser();
    const denied = await signIn(browser, server.issuer, webParams({ client_id: 'api.app', redirect_uri: 'https://api.example.com/cb', scope: 'read' }), {
      login: 'bob',
      password: PASSWORD,
      consent: 'deny',
    });
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    const bob = (await server.app.ctx.store.users.getByLogin('bob'))!;
    assert.deepEqual(await server.app.ctx.store.consents.get(bob.id, 'api.app'), []);
  });

  it('an app registered without consent skips the page, unless prompt=consent', async () => {
    const browser = new TestBrowser();
    const params = webParams({ client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb', scope: 'openid read update' });
    const url = await signIn(browser, server.issuer, params, { login: 'carol-internal-not', password: PASSWORD }).catch(() => undefined);
    assert.equal(url, undefined, 'unknown user cannot sign in');
    const start = await browser.get(authorizeUrl(server.issuer, params));
    const loginLocation = start.headers.get('location')!;
    const loginHtml = await (await browser.get(loginLocation)).text();
    const { submit } = await import('./authorize-support.js');
    const res = await submit(browser, server.origin, loginHtml, '/login', { login: 'alice', password: PASSWORD });
    assert.ok(redirectParams(res, 'https://tool.example.com/cb').get('code'), 'straight to the app after login');
    const forced = await browser.get(authorizeUrl(server.issuer, { ...params, prompt: 'consent' }));
    const page = await (await browser.get(forced.headers.get('location')!)).text();
    assert.match(page, /Allow Internal Tool to access your account\?/);
  });

  it('consent requires a decision of allow or deny, and a signed-in user', async () => {
    const browser = new TestBrowser();
    const html = await consentPageFor(browser, webParams({ scope: 'openid update', prompt: 'consent' })).catch(() => '');
    // not signed in in this browser: the interaction shows the login page, and consent is refused
    assert.match(html, /Sign in to Web Portal/);
    const { parseForms } = await import('../support/browser.js');
    const form = parseForms(html)[0]!;
    const action = new URL(form.action.replace(/\/login$/, '/consent'), server.origin);
    const res = await browser.postForm(action, { csrf: form.fields.csrf!, decision: 'allow' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Sign in before answering the consent question./);
    const bad = await browser.postForm(action, { csrf: form.fields.csrf!, decision: 'maybe' });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /decision=allow or decision=deny/);
  });
});
