import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, parseForms } from '../support/browser.js';
import {
  PASSWORD,
  WEB_CALLBACK,
  authorizeUrl,
  errorPageOf,
  openInteraction,
  redirectParams,
  startSignInServer,
  submit,
  webParams,
  type SignInServer,
} from './authorize-support.js';

describeEachDatabase('interaction pages: headers, accessibility, CSRF, browser binding, single use, expiry', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url, { INTERACTION_LIFETIME: '60' });
  });
  after(async () => server?.close());

  it('the login page is accessible, names the app and the instance, and sends strict headers', async () => {
    const browser = new TestBrowser();
    const { html, response } = await openInteraction(browser, server.issuer, webParams({ login_hint: 'alice@corp' }));
    assert.equal(response.status, 200);
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<h1>Sign in to Web Portal<\/h1>/);
    assert.match(html, /Acme ERP/);
    assert.match(html, /<label for="login">Login<\/label>/);
    assert.match(html, /<input id="login" name="login" type="text" autocomplete="username"[^>]* value="alice@corp"/);
    assert.match(html, /<label for="password">Password<\/label>/);
    assert.match(html, /<input id="password" name="password" type="password" autocomplete="current-password"/);
    assert.doesNotMatch(html, /<script/i, 'no JavaScript on the login page');
    assert.match(html, /<link rel="stylesheet" href="\/id\/assets\/trustgate.css">/);
    const csp = response.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self' https:\/\/app.example.com(;|$)/, 'the redirect after the form must be allowed');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('the interaction cookie is HttpOnly, SameSite=Lax, scoped to the issuer path', async () => {
    const res = await fetch(authorizeUrl(server.issuer, webParams()), { redirect: 'manual' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tg_interaction='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\/id(;|$)/);
    assert.doesNotMatch(cookie, /Secure/, 'not Secure on an http (loopback) issuer');
  });

  it('the stylesheet is served, cacheable', async () => {
    const res = await fetch(`${server.issuer}/assets/trustgate.css`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/css/);
    assert.match(res.headers.get('cache-control')!, /max-age=\d+/);
    assert.match(await res.text(), /min-width:320px/);
  });

  it('the app name is escaped on the pages', async () => {
    const { createTestApp } = await import('../support/fixtures.js');
    await createTestApp(server.app.ctx, {
      clientId: 'xss.app',
      displayName: '<img src=x onerror=alert(1)>',
      loginRedirectUris: ['https://xss.example.com/cb'],
    });
    const { html } = await openInteraction(
      new TestBrowser(),
      server.issuer,
      webParams({ client_id: 'xss.app', redirect_uri: 'https://xss.example.com/cb', login_hint: '"><script>x</script>' }),
    );
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /<script>x/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('a wrong password and an unknown login get the same generic message', async () => {
    const browser = new TestBrowser();
    const { html, url } = await openInteraction(browser, server.issuer, webParams());
    const wrong = await submit(browser, server.origin, html, '/login', { login: 'alice', password: 'wrong password!' });
    assert.equal(wrong.status, 401);
    const wrongHtml = await wrong.text();
    assert.match(wrongHtml, /<p class="error" role="alert" id="login-error">Invalid login or password.<\/p>/);
    assert.match(wrongHtml, /value="alice"/, 'the login is kept');
    assert.match(wrongHtml, /<input id="password"[^>]* aria-describedby="login-error" aria-invalid="true">/, 'the fields point at the error');
    assert.equal(browser.cookie('tg_session'), undefined);
    const unknown = await submit(browser, server.origin, wrongHtml, '/login', { login: 'nobody', password: 'wrong password!' });
    assert.equal(unknown.status, 401);
    assert.match(await unknown.text(), /Invalid login or password./);
    const empty = await submit(browser, server.origin, html, '/login', { login: 'alice', password: '' });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /Enter your login and password./);
    // still usable afterwards
    const page = await browser.get(url);
    const ok = await submit(browser, server.origin, await page.text(), '/login', { login: 'Alice', password: PASSWORD });
    assert.equal(ok.status, 303, 'logins are case-insensitive');
  });

  it('a form without the right CSRF token is refused (403) and changes nothing', async () => {
    const browser = new TestBrowser();
    const { html, url } = await openInteraction(browser, server.issuer, webParams());
    const id = url.split('/').pop()!;
    for (const csrf of [undefined, '', 'forged-token', parseForms(html)[0]!.fields.csrf!.slice(1)]) {
      const fields: Record<string, string> = { login: 'alice', password: PASSWORD };
      if (csrf !== undefined) fields.csrf = csrf;
      const res = await browser.postForm(`${server.issuer}/connect/interaction/${id}/login`, fields);
      const page = await errorPageOf(res);
      assert.equal(page.status, 403);
      assert.equal(page.description, 'The form could not be verified (CSRF token missing or wrong). Reload the page and try again.');
    }
    assert.equal(browser.cookie('tg_session'), undefined);
    const interaction = await server.app.ctx.store.interactions.get(id);
    assert.equal(interaction!.userId, null);
    assert.notEqual(interaction!.csrfHash, parseForms(html)[0]!.fields.csrf, 'only a hash of the CSRF token is stored');
  });

  it('an interaction cannot be used from another browser, even with its CSRF token', async () => {
    const mine = new TestBrowser();
    const { html, url } = await openInteraction(mine, server.issuer, webParams());
    const other = new TestBrowser();
    const view = await errorPageOf(await other.get(url));
    assert.equal(view.status, 403);
    assert.equal(view.description, 'This sign-in request was started in another browser (or its cookie is missing). Return to the app and sign in again.');
    // the attacker has their own interaction cookie
    await other.get(authorizeUrl(server.issuer, webParams()));
    const post = await submit(other, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
    assert.equal((await errorPageOf(post)).status, 403);
  });

  it('a completed interaction cannot be replayed', async () => {
    const browser = new TestBrowser();
    const { html, url } = await openInteraction(browser, server.issuer, webParams({ client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' }));
    const done = await submit(browser, server.origin, html, '/login', { login: 'bob', password: PASSWORD });
    assert.ok(redirectParams(done, 'https://tool.example.com/cb').get('code'));
    const again = await submit(browser, server.origin, html, '/login', { login: 'bob', password: PASSWORD });
    const page = await errorPageOf(again);
    assert.equal(page.description, 'This sign-in request was already completed and cannot be used again. Return to the app and sign in again.');
    assert.equal((await errorPageOf(await browser.get(url))).status, 400);
  });

  it('an interaction expires', async () => {
    const browser = new TestBrowser();
    const { html, url } = await openInteraction(browser, server.issuer, webParams());
    server.advance(61);
    try {
      const page = await errorPageOf(await submit(browser, server.origin, html, '/login', { login: 'alice', password: PASSWORD }));
      assert.equal(page.description, 'This sign-in request has expired. Return to the app and sign in again.');
      assert.equal((await errorPageOf(await browser.get(url))).description, 'This sign-in request has expired. Return to the app and sign in again.');
    } finally {
      server.advance(-61);
    }
  });

  it('unknown or malformed interaction ids get an error page, never a 5xx', async () => {
    const browser = new TestBrowser();
    for (const id of ['x', 'A'.repeat(32), '%00', 'a'.repeat(1000), '..%2F..%2Fetc']) {
      const res = await browser.get(`${server.issuer}/connect/interaction/${id}`);
      assert.ok(res.status >= 400 && res.status < 500, `${id}: ${res.status}`);
      const post = await browser.postForm(`${server.issuer}/connect/interaction/${id}/login`, { login: 'a', password: 'b' });
      assert.ok(post.status >= 400 && post.status < 500, `${id}: ${post.status}`);
    }
    const { url } = await openInteraction(browser, server.issuer, webParams());
    for (const [type, body] of [
      ['application/json', '{"csrf": ["a", "b"], "login": {"x": 1}}'],
      ['application/x-www-form-urlencoded', 'csrf=a&csrf=b&login=%00'],
      ['application/x-www-form-urlencoded', `login=${'a'.repeat(70_000)}`],
      ['text/xml', '<x/>'],
    ] as const) {
      const res = await browser.fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': type }, body });
      assert.ok(res.status >= 400 && res.status < 500, `${type}: ${res.status}`);
    }
  });

  it('Cancel sends access_denied to the app with state and iss', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams({ state: 'cancel-me' }));
    const res = await submit(browser, server.origin, html, '/abort', {});
    const got = redirectParams(res, WEB_CALLBACK);
    assert.equal(got.get('error'), 'access_denied');
    assert.equal(got.get('error_description'), 'the user cancelled the sign-in');
    assert.equal(got.get('state'), 'cancel-me');
    assert.equal(got.get('iss'), server.issuer);
  });
});
