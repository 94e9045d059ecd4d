import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, parseForms, signIn } from '../support/browser.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { PASSWORD, authorizeUrl, errorPageOf, redirectParams, signIdToken, spaParams, startSignInServer, webParams, type SignInServer } from './authorize-support.js';

const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' };
const WEB_LOGOUT = 'https://app.example.com/signed-out';

describeEachDatabase('RP-initiated logout: /connect/endsession', (database) => {
  let server: SignInServer;
  let aliceId: string;
  before(async () => {
    server = await startSignInServer(database().url);
    aliceId = (await server.app.ctx.store.users.getByLogin('alice'))!.id;
  });
  after(async () => server?.close());

  async function signedInBrowser(): Promise<{ browser: TestBrowser; cookie: string }> {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    return { browser, cookie: browser.cookie('tg_session')! };
  }

  async function assertEnded(browser: TestBrowser, cookie: string): Promise<void> {
    const session = (await server.app.ctx.store.sessions.get(sha256(cookie)))!;
    assert.notEqual(session.endedAt, null, 'the session record is ended');
    assert.equal(browser.cookie('tg_session'), undefined, 'the cookie is cleared');
    // even a browser that kept the cookie is not signed in any more
    const keeper = new TestBrowser();
    keeper.setCookie(server.origin, 'tg_session', cookie, '/id');
    const res = await keeper.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' })));
    assert.equal(redirectParams(res, 'https://tool.example.com/cb').get('error'), 'login_required');
  }

  const endsession = (browser: TestBrowser, params: Record<string, string>) =>
    browser.get(`${server.issuer}/connect/endsession?${new URLSearchParams(params)}`);

  /** The confirmation page of a request without a valid id_token_hint for the signed-in user: nothing ended yet. */
  async function confirmationPage(browser: TestBrowser, res: Response): Promise<string> {
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>Sign out of Acme ERP\?<\/h1>/, 'a confirmation page, not a sign-out');
    assert.ok(browser.cookie('tg_session'), 'the cookie is kept');
    return html;
  }

  /** Answers the confirmation page (Sign out, or Stay signed in). */
  async function confirm(browser: TestBrowser, res: Response, decision: 'logout' | 'stay' = 'logout'): Promise<Response> {
    const html = await confirmationPage(browser, res);
    const form = parseForms(html).find((f) => f.action === '/id/connect/endsession/confirm');
    assert.ok(form, 'the confirmation form posts to /connect/endsession/confirm');
    assert.deepEqual(form.buttons, [{ name: 'decision', value: 'logout' }, { name: 'decision', value: 'stay' }]);
    return browser.postForm(`${server.origin}${form.action}`, { ...form.fields, decision });
  }

  async function assertStillSignedIn(browser: TestBrowser, cookie: string): Promise<void> {
    assert.equal((await server.app.ctx.store.sessions.get(sha256(cookie)))!.endedAt, null, 'the session is not ended');
    const res = await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' })));
    assert.ok(redirectParams(res, 'https://tool.example.com/cb').get('code'), 'still signed in');
  }

  it('a valid id_token_hint and a registered logout URI: session ended, redirect with state', async () => {
    const { browser, cookie } = await signedInBrowser();
    const hint = await signIdToken(server.app.ctx, { sub: aliceId, aud: 'web.app' });
    const res = await endsession(browser, { id_token_hint: hint, post_logout_redirect_uri: WEB_LOGOUT, state: 'bye-1' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${WEB_LOGOUT}?state=bye-1`);
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('tg_session='))!;
    assert.match(cleared, /Path=\/id/);
    await assertEnded(browser, cookie);
  });

  it('an expired id_token_hint still identifies the app', async () => {
    const { browser, cookie } = await signedInBrowser();
    const hint = await signIdToken(server.app.ctx, { sub: aliceId, aud: 'web.app' }, '-1h');
    const res = await endsession(browser, { id_token_hint: hint, post_logout_redirect_uri: WEB_LOGOUT });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), WEB_LOGOUT);
    await assertEnded(browser, cookie);
  });

  it('client_id alone identifies the app (after the user confirms); POST works too', async () => {
    const { browser, cookie } = await signedInBrowser();
    const asked = await browser.postForm(`${server.issuer}/connect/endsession`, {
      client_id: 'spa.app',
      post_logout_redirect_uri: 'https://spa.example.com/bye',
      state: 's',
    });
    const res = await confirm(browser, asked);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), 'https://spa.example.com/bye?state=s');
    await assertEnded(browser, cookie);
  });

  it('a cross-site GET without id_token_hint does not sign out: it asks, and nothing changes until the user answers', async () => {
    const { browser, cookie } = await signedInBrowser();
    const res = await endsession(browser, { client_id: 'web.app', post_logout_redirect_uri: WEB_LOGOUT, state: 'x1' });
    assert.equal(res.headers.getSetCookie().length, 0, 'no cookie is cleared');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy')!, /form-action 'self' https:\/\/app.example.com(;|$)/, 'the redirect after the answer is allowed');
    const html = await confirmationPage(browser, res);
    assert.match(html, /You are signed in as <strong>Alice Anders \(alice\)<\/strong>/);
    const form = parseForms(html)[0]!;
    assert.deepEqual(Object.keys(form.fields).sort(), ['client_id', 'csrf', 'post_logout_redirect_uri', 'state']);
    assert.equal(form.fields.post_logout_redirect_uri, WEB_LOGOUT);
    await assertStillSignedIn(browser, cookie);
  });

  it('a valid id_token_hint for another user than the signed-in one asks too', async () => {
    const { browser, cookie } = await signedInBrowser();
    const bob = (await server.app.ctx.store.users.getByLogin('bob'))!;
    const hint = await signIdToken(server.app.ctx, { sub: bob.id, aud: 'web.app' });
    await confirmationPage(browser, await endsession(browser, { id_token_hint: hint, post_logout_redirect_uri: WEB_LOGOUT }));
    await assertStillSignedIn(browser, cookie);
  });

  it('the confirmation only counts with the CSRF token of this browser\'s session', async () => {
    const { browser, cookie } = await signedInBrowser();
    const other = await signedInBrowser();
    const otherForm = parseForms(await confirmationPage(other.browser, await endsession(other.browser, {})))[0]!;
    const confirmUrl = `${server.issuer}/connect/endsession/confirm`;
    for (const csrf of [undefined, '', 'guess', otherForm.fields.csrf!]) {
      const fields: Record<string, string> = { decision: 'logout', client_id: 'web.app', post_logout_redirect_uri: WEB_LOGOUT };
      if (csrf !== undefined) fields.csrf = csrf;
      const page = await errorPageOf(await browser.postForm(confirmUrl, fields));
      assert.equal(page.status, 403);
      assert.equal(page.description, 'The sign-out form could not be verified (CSRF token missing or wrong). Go back to the app and sign out again.');
      await assertStillSignedIn(browser, cookie);
    }
    const mine = parseForms(await confirmationPage(browser, await endsession(browser, {})))[0]!;
    const unknown = await errorPageOf(await browser.postForm(confirmUrl, { ...mine.fields, decision: 'maybe' }));
    assert.equal(unknown.description, 'The sign-out form must be sent with decision=logout or decision=stay.');
    await assertStillSignedIn(browser, cookie);
    assert.equal((await browser.get(confirmUrl)).status, 405);
  });

  it('Stay signed in keeps the session: back to the app when allowed, else a page saying so', async () => {
    const { browser, cookie } = await signedInBrowser();
    const back = await confirm(browser, await endsession(browser, { client_id: 'web.app', post_logout_redirect_uri: WEB_LOGOUT, state: 'st' }), 'stay');
    assert.equal(back.status, 303);
    assert.equal(back.headers.get('location'), `${WEB_LOGOUT}?state=st`);
    await assertStillSignedIn(browser, cookie);
    const stayed = await confirm(browser, await endsession(browser, {}), 'stay');
    assert.equal(stayed.status, 200);
    assert.match(await stayed.text(), /<h1>You are still signed in<\/h1>/);
    await assertStillSignedIn(browser, cookie);
  });

  it('without a session there is nothing to confirm: the signed-out page at once', async () => {
    const browser = new TestBrowser();
    await expectSignedOutPage(await endsession(browser, {}), undefined);
    const expired = await signedInBrowser();
    await server.app.ctx.store.sessions.end(sha256(expired.cookie), server.app.ctx.now());
    await expectSignedOutPage(await endsession(expired.browser, {}), undefined);
    assert.equal(expired.browser.cookie('tg_session'), undefined, 'the dead cookie is cleared');
  });

  async function expectSignedOutPage(res: Response, note: string | undefined): Promise<void> {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('location'), null, 'no redirect');
    const html = await res.text();
    assert.match(html, /<h1>You are signed out<\/h1>/);
    if (note) assert.ok(html.includes(note), html);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  }

  it('no redirect without a post_logout_redirect_uri: the signed-out page', async () => {
    const { browser, cookie } = await signedInBrowser();
    await expectSignedOutPage(await confirm(browser, await endsession(browser, {})), undefined);
    await assertEnded(browser, cookie);
  });

  it('a logout URI that is not registered for the app (or a login URI, or a near miss) is never redirected to', async () => {
    for (const uri of ['https://evil.example.com/', 'https://app.example.com/callback', `${WEB_LOGOUT}/`, `${WEB_LOGOUT}?x=1`, 'https://spa.example.com/bye']) {
      const { browser, cookie } = await signedInBrowser();
      const res = await confirm(browser, await endsession(browser, { client_id: 'web.app', post_logout_redirect_uri: uri }));
      await expectSignedOutPage(res, 'You were not sent back to the app because the post_logout_redirect_uri is not registered for Web Portal.');
      await assertEnded(browser, cookie);
    }
  });

  it('a post_logout_redirect_uri without id_token_hint or client_id is not trusted', async () => {
    const { browser } = await signedInBrowser();
    await expectSignedOutPage(
      await confirm(browser, await endsession(browser, { post_logout_redirect_uri: WEB_LOGOUT })),
      'You were not sent back to the app because the request did not say which app it came from (send id_token_hint or client_id).',
    );
  });

  it('an invalid or foreign id_token_hint never picks the redirect (even with a valid client_id)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: (await server.app.ctx.keys.current()).kid })
      .setIssuer(server.issuer)
      .setSubject(aliceId)
      .setAudience('web.app')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const otherIssuer = await signIdToken(server.app.ctx, { sub: aliceId, aud: 'web.app', iss: 'https://other.example.com/id' });
    for (const hint of [forged, otherIssuer, 'garbage', `${forged.split('.').slice(0, 2).join('.')}.`]) {
      for (const extra of [{}, { client_id: 'web.app' }]) {
        const { browser, cookie } = await signedInBrowser();
        const res = await confirm(browser, await endsession(browser, { id_token_hint: hint, post_logout_redirect_uri: WEB_LOGOUT, ...extra }));
        await expectSignedOutPage(res, 'You were not sent back to the app because the id_token_hint could not be verified.');
        await assertEnded(browser, cookie);
      }
    }
  });

  it('id_token_hint and client_id must agree', async () => {
    const { browser } = await signedInBrowser();
    const hint = await signIdToken(server.app.ctx, { sub: aliceId, aud: 'web.app' });
    await expectSignedOutPage(
      await endsession(browser, { id_token_hint: hint, client_id: 'spa.app', post_logout_redirect_uri: 'https://spa.example.com/bye' }),
      'You were not sent back to the app because the client_id does not match the id_token_hint.',
    );
  });

  it('a disabled app gets no redirect', async () => {
    const { createTestApp } = await import('../support/fixtures.js');
    await createTestApp(server.app.ctx, { clientId: 'off.app', enabled: false, logoutRedirectUris: ['https://off.example.com/bye'] });
    const { browser } = await signedInBrowser();
    await expectSignedOutPage(
      await confirm(browser, await endsession(browser, { client_id: 'off.app', post_logout_redirect_uri: 'https://off.example.com/bye' })),
      'the app is not registered or is disabled',
    );
  });

  it('without a session it still answers (redirect or page), and malformed input is never a 5xx', async () => {
    const browser = new TestBrowser();
    const res = await endsession(browser, { client_id: 'web.app', post_logout_redirect_uri: WEB_LOGOUT });
    assert.equal(res.status, 303);
    const repeated = await browser.get(`${server.issuer}/connect/endsession?client_id=a&client_id=b`);
    assert.equal(repeated.status, 400);
    for (const query of ['id_token_hint=%00', `state=${'x'.repeat(5000)}`, 'client_id=%FF%FE&post_logout_redirect_uri=%00', `id_token_hint=${'a'.repeat(9000)}`]) {
      const r = await browser.get(`${server.issuer}/connect/endsession?${query}`);
      assert.ok(r.status < 500, `${query.slice(0, 40)}: ${r.status}`);
    }
    const json = await browser.fetch(`${server.issuer}/connect/endsession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"client_id": {"a": 1}}',
    });
    assert.equal(json.status, 400);
  });

  it('after logout the next authorize shows the login page', async () => {
    const { browser } = await signedInBrowser();
    await confirm(browser, await endsession(browser, {}));
    const res = await browser.get(authorizeUrl(server.issuer, spaParams()));
    assert.ok(res.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
  });
});
