import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, parseForms, signIn } from '../support/browser.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from '../e2e/support/environment.js';

/** The web app's own security rules, driven over HTTP (no Chromium needed). */
describeEachDatabase('examples/web-app: sessions, refresh, CSRF', (database) => {
  let env: AppsEnvironment;
  before(async () => {
    env = await startAppsEnvironment({ databaseUrl: database().url, accessTokenLifetime: 60 });
  });
  after(async () => env?.close());

  /** Signs alice in to the web app; returns the browser and the callback response. */
  async function signedIn(): Promise<{ browser: TestBrowser; cookieBefore: string }> {
    const browser = new TestBrowser();
    const login = await browser.fetch(`${env.webApp.url}/login`);
    assert.equal(login.status, 303);
    const cookieBefore = browser.cookie('webapp_session')!;
    const authorize = new URL(login.headers.get('location')!);
    const back = await signIn(browser, env.server.issuer, Object.fromEntries(authorize.searchParams), { login: 'alice', password: PASSWORD });
    const callback = await browser.fetch(back);
    assert.equal(callback.status, 303, await callback.clone().text());
    assert.equal(callback.headers.get('location'), '/');
    return { browser, cookieBefore };
  }

  it('a new session id after sign-in (no session fixation); tokens never reach the browser', async () => {
    const { browser, cookieBefore } = await signedIn();
    assert.notEqual(browser.cookie('webapp_session'), cookieBefore);
    const home = await browser.fetch(`${env.webApp.url}/`);
    const html = await home.text();
    assert.match(html, /Hello, <span id="user-name">Alice Anders<\/span>/);
    assert.doesNotMatch(html, /eyJ[A-Za-z0-9_-]{10,}\./, 'no JWT in the page');
    const anonymous = new TestBrowser();
    anonymous.setCookie(env.webApp.url, 'webapp_session', cookieBefore);
    assert.match(await (await anonymous.fetch(`${env.webApp.url}/`)).text(), /You are not signed in/, 'the pre-login session id is dead');
  });

  it('concurrent requests after expiry share ONE refresh (a rotated refresh token is never presented twice)', async () => {
    const { browser } = await signedIn();
    env.clock.advance(120);
    const pages = await Promise.all(Array.from({ length: 6 }, async () => (await browser.fetch(`${env.webApp.url}/`)).text()));
    for (const html of pages) {
      assert.match(html, /renewed with the refresh token <span id="refresh-count">1<\/span> time/, html.slice(0, 300));
    }
    env.clock.advance(120);
    assert.match(await (await browser.fetch(`${env.webApp.url}/`)).text(), /<span id="refresh-count">2<\/span>/);
  });

  it('a revoked sign-in ends the app session instead of failing', async () => {
    const { browser } = await signedIn();
    // an administrator disables the user: the next refresh answers invalid_grant
    const { UserService } = await import('../../src/admin/user-service.js');
    await new UserService(env.server.app.ctx).disable('alice');
    try {
      env.clock.advance(120);
      const html = await (await browser.fetch(`${env.webApp.url}/`)).text();
      assert.match(html, /Please sign in again/);
      assert.match(html, /the session ended \(refresh token is expired or invalid/);
    } finally {
      await new UserService(env.server.app.ctx).enable('alice');
    }
  });

  it('a disabled app: the renewal is refused with unauthorized_client and the page says so (no 5xx)', async () => {
    const { browser } = await signedIn();
    const { AppService } = await import('../../src/admin/app-service.js');
    await new AppService(env.server.app.ctx).disable(env.ids.webApp);
    try {
      env.clock.advance(120);
      const res = await browser.fetch(`${env.webApp.url}/`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /Please sign in again/);
      assert.match(html, /refused to renew the sign-in \(unauthorized_client: the app &quot;com.example\/web-app&quot; is disabled; ask an administrator to enable it\)/);
    } finally {
      await new AppService(env.server.app.ctx).enable(env.ids.webApp);
    }
  });

  it('POST /logout and /orders need the session\'s CSRF token', async () => {
    const { browser } = await signedIn();
    const noToken = await browser.postForm(`${env.webApp.url}/logout`, {});
    assert.equal(noToken.status, 403);
    const wrong = await browser.postForm(`${env.webApp.url}/orders`, { csrf: 'guess' });
    assert.equal(wrong.status, 403);
    const home = await (await browser.fetch(`${env.webApp.url}/`)).text();
    const logoutForm = parseForms(home).find((f) => f.action === '/logout')!;
    const out = await browser.postForm(`${env.webApp.url}/logout`, logoutForm.fields);
    assert.equal(out.status, 303);
    const endSession = new URL(out.headers.get('location')!);
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${env.server.issuer}/connect/endsession`);
    assert.ok(endSession.searchParams.get('id_token_hint'));
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${env.webApp.url}/signed-out`);
    const back = await browser.fetch(endSession);
    assert.equal(back.status, 303);
    assert.ok(back.headers.get('location')!.startsWith(`${env.webApp.url}/signed-out?state=`));
  });
});
