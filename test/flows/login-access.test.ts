import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { createTestUser } from '../support/fixtures.js';
import {
  PASSWORD,
  SPA_CALLBACK,
  WEB_CALLBACK,
  authorizeUrl,
  openInteraction,
  redirectParams,
  spaParams,
  startSignInServer,
  submit,
  webParams,
  type SignInServer,
} from './authorize-support.js';

describeEachDatabase('login: who may sign in to which app', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url);
    await createTestUser(server.app.ctx, { login: 'dora', enabled: false });
  });
  after(async () => server?.close());

  it('a disabled user sees a clear page and the app receives access_denied', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams({ state: 'd1' }));
    const res = await submit(browser, server.origin, html, '/login', { login: 'dora', password: PASSWORD });
    assert.equal(res.status, 403);
    const page = await res.text();
    assert.match(page, /<h1>You cannot sign in to Web Portal<\/h1>/);
    assert.match(page, /Your account is disabled. Contact your administrator./);
    assert.match(page, /Return to Web Portal/);
    assert.equal(browser.cookie('tg_session'), undefined, 'no session for a disabled user');
    const back = await submit(browser, server.origin, page, '/abort', {});
    const got = redirectParams(back, WEB_CALLBACK);
    assert.equal(got.get('error'), 'access_denied');
    assert.equal(got.get('error_description'), 'the user is not allowed to sign in to this app');
    assert.equal(got.get('state'), 'd1');
    assert.equal(got.get('iss'), server.issuer);
  });

  it('a disabled user with a wrong password still gets the generic message (nothing leaks)', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams());
    const res = await submit(browser, server.origin, html, '/login', { login: 'dora', password: 'not the password' });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /Invalid login or password./);
  });

  it('a community user cannot sign in to an app that allows only internal users', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams({ state: 'c1' }));
    const res = await submit(browser, server.origin, html, '/login', { login: 'carol', password: PASSWORD });
    assert.equal(res.status, 403);
    const page = await res.text();
    assert.match(page, /Web Portal does not accept community accounts, so you cannot sign in to it with this account./);
    const got = redirectParams(await submit(browser, server.origin, page, '/abort', {}), WEB_CALLBACK);
    assert.equal(got.get('error'), 'access_denied');
    assert.equal(got.get('state'), 'c1');
  });

  it('a community user can sign in to an app that allows community users', async () => {
    const url = await signIn(new TestBrowser(), server.issuer, spaParams(), { login: 'carol', password: PASSWORD });
    assert.ok(url.searchParams.get('code'));
    assert.equal(`${url.origin}${url.pathname}`, SPA_CALLBACK);
  });

  it('an internal-only app refuses an SSO session of a community user: the login page is shown again', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, spaParams(), { login: 'carol', password: PASSWORD });
    const res = await browser.get(authorizeUrl(server.issuer, webParams()));
    assert.ok(res.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
    const page = await (await browser.get(res.headers.get('location')!)).text();
    assert.match(page, /Sign in to Web Portal/);
    assert.match(page, /You are signed in as carol, who cannot use Web Portal. Sign in with another account./);
    const silent = await browser.get(authorizeUrl(server.issuer, webParams({ prompt: 'none' })));
    const got = redirectParams(silent, WEB_CALLBACK);
    assert.equal(got.get('error'), 'login_required');
    assert.equal(got.get('error_description'), 'the signed-in user is a community user, which this app does not allow and prompt=none forbids showing the sign-in page');
  });

  it('an app disabled while its user is on the login page cannot complete the sign-in', async () => {
    const { createTestApp } = await import('../support/fixtures.js');
    const { AppService } = await import('../../src/admin/app-service.js');
    await createTestApp(server.app.ctx, { clientId: 'soon-off.app', loginRedirectUris: ['https://off.example.com/cb'] });
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams({ client_id: 'soon-off.app', redirect_uri: 'https://off.example.com/cb' }));
    await new AppService(server.app.ctx).update('soon-off.app', { enabled: false });
    server.app.ctx.clients.invalidate('soon-off.app');
    const res = await submit(browser, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /<code>unauthorized_client<\/code>/);
  });
});
