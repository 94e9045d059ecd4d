import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, getAuthorizationCode, signIn } from '../support/browser.js';
import { UserService } from '../../src/admin/user-service.js';
import { sha256 } from '../../src/tokens/opaque.js';
import {
  PASSWORD,
  WEB_CALLBACK,
  authorizeUrl,
  openInteraction,
  redirectParams,
  startSignInServer,
  submit,
  webParams,
  type SignInServer,
} from './authorize-support.js';

const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' };
const TOOL_CB = 'https://tool.example.com/cb';

describeEachDatabase('SSO session: cookie, silent sign-in, prompt, max_age, lifetimes', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url, { SESSION_IDLE_LIFETIME: '600', SESSION_ABSOLUTE_LIFETIME: '3600' });
  });
  after(async () => server?.close());

  const codeRecord = async (code: string) => (await server.app.ctx.store.codes.get(sha256(code)))!;

  it('the session cookie is opaque, HttpOnly, SameSite=Lax, scoped to the issuer path; only its hash is stored', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams(TOOL));
    const res = await submit(browser, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tg_session='))!;
    assert.match(cookie, /^tg_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\/id(;|$)/);
    const value = browser.cookie('tg_session')!;
    assert.equal(await server.app.ctx.store.sessions.get(value), undefined);
    const session = (await server.app.ctx.store.sessions.get(sha256(value)))!;
    const alice = (await server.app.ctx.store.users.getByLogin('alice'))!;
    assert.equal(session.userId, alice.id);
    assert.deepEqual(session.amr, ['pwd']);
    const code = redirectParams(res, TOOL_CB).get('code')!;
    assert.equal((await codeRecord(code)).sid, session.sid);
  });

  it('an http issuer reads only the plain names: a __Host- cookie with a live session value is ignored', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const prefixed = new TestBrowser();
    prefixed.setCookie(server.origin, '__Host-tg_session', browser.cookie('tg_session')!, '/');
    const silent = redirectParams(await prefixed.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
    assert.equal(silent.get('error'), 'login_required');
  });

  it('with a live session and a grant, authorization completes silently (also with prompt=none)', async () => {
    const browser = new TestBrowser();
    const first = await getAuthorizationCode(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const silent = await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, state: 's2' })));
    const params = redirectParams(silent, TOOL_CB);
    assert.equal(params.get('state'), 's2');
    assert.equal(params.get('iss'), server.issuer);
    const none = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
    const a = await codeRecord(first.code);
    const b = await codeRecord(params.get('code')!);
    const c = await codeRecord(none.get('code')!);
    assert.equal(b.sid, a.sid);
    assert.equal(c.sid, a.sid);
    assert.equal(b.authTime, a.authTime, 'a silent sign-in does not change auth_time');
  });

  it('prompt=none: login_required without a session, consent_required without a grant, never a page', async () => {
    const fresh = new TestBrowser();
    const noSession = redirectParams(await fresh.get(authorizeUrl(server.issuer, webParams({ prompt: 'none', state: 'n1' }))), WEB_CALLBACK);
    assert.equal(noSession.get('error'), 'login_required');
    assert.equal(noSession.get('error_description'), 'the user is not signed in and prompt=none forbids showing the sign-in page');
    assert.equal(noSession.get('state'), 'n1');
    assert.equal(noSession.get('iss'), server.issuer);

    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'bob', password: PASSWORD });
    const noGrant = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ prompt: 'none' }))), WEB_CALLBACK);
    assert.equal(noGrant.get('error'), 'consent_required');
    assert.equal(noGrant.get('error_description'), 'the user has not allowed this app the requested scopes and prompt=none forbids asking');
  });

  it('prompt=login shows the login page again; the same user keeps the sid with a new auth_time and a new cookie value', async () => {
    const browser = new TestBrowser();
    const first = await getAuthorizationCode(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const before = await codeRecord(first.code);
    const cookieBefore = browser.cookie('tg_session')!;
    server.advance(5);
    try {
      const { html } = await openInteraction(browser, server.issuer, webParams({ ...TOOL, prompt: 'login' }));
      assert.match(html, /Sign in to Internal Tool/);
      assert.match(html, /You are signed in as alice. Sign in again to continue./);
      assert.match(html, /name="login" type="text"[^>]* value="alice"/, 'the login is prefilled');
      const res = await submit(browser, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
      const after = await codeRecord(redirectParams(res, TOOL_CB).get('code')!);
      assert.equal(after.sid, before.sid);
      assert.ok(after.authTime >= before.authTime + 5, 'auth_time updated');
      const cookieAfter = browser.cookie('tg_session')!;
      assert.notEqual(cookieAfter, cookieBefore, 'a new session cookie value');
      assert.equal(await server.app.ctx.store.sessions.get(sha256(cookieBefore)), undefined, 'the old id is gone');
      assert.equal((await server.app.ctx.store.sessions.get(sha256(cookieAfter)))!.sid, before.sid);
    } finally {
      server.advance(-5);
    }
  });

  /** A browser holding a copy of `cookie` (as someone who learned or planted the value would). */
  const holder = (cookie: string) => {
    const browser = new TestBrowser();
    browser.setCookie(server.origin, 'tg_session', cookie, '/id');
    return browser;
  };
  const silentlySignedIn = async (browser: TestBrowser) =>
    redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB).get('code') !== null;

  for (const [name, extra] of [['prompt=login', { prompt: 'login' }], ['max_age', { max_age: '1' }]] as const) {
    it(`session fixation: after a new sign-in (${name}) a copy of the old cookie value no longer works`, async () => {
      const victim = new TestBrowser();
      await signIn(victim, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
      const known = victim.cookie('tg_session')!;
      const attacker = holder(known);
      assert.equal(await silentlySignedIn(attacker), true, 'the copy works before the sign-in');
      server.advance(2);
      try {
        const { html } = await openInteraction(victim, server.issuer, webParams({ ...TOOL, ...extra }));
        const res = await submit(victim, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
        assert.ok(redirectParams(res, TOOL_CB).get('code'));
        assert.notEqual(victim.cookie('tg_session'), known);
        assert.equal(await silentlySignedIn(attacker), false, 'the old value stopped working');
        assert.equal(await silentlySignedIn(victim), true, 'the new value works');
      } finally {
        server.advance(-2);
      }
    });
  }

  it('an interaction that recorded the session before a re-authentication in another tab still completes', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    // tab 1: web.app asks for consent; the pending interaction records alice's session
    const consent = await openInteraction(browser, server.issuer, webParams({ state: 'tab1' }));
    assert.match(consent.html, /action="[^"]*\/consent"/);
    // tab 2: a fresh sign-in as alice renews the session's cookie value
    const { html } = await openInteraction(browser, server.issuer, webParams({ ...TOOL, prompt: 'login' }));
    await submit(browser, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
    // tab 1 goes on: consent is given and the code carries the same sid
    const res = await submit(browser, server.origin, consent.html, '/consent', { decision: 'allow' });
    const params = redirectParams(res, WEB_CALLBACK);
    assert.equal(params.get('state'), 'tab1');
    const code = await codeRecord(params.get('code')!);
    const session = (await server.app.ctx.store.sessions.get(sha256(browser.cookie('tg_session')!)))!;
    assert.equal(code.sid, session.sid);
  });

  it('signing in as another user replaces the session (new sid; the old session ends)', async () => {
    const browser = new TestBrowser();
    const first = await getAuthorizationCode(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const oldCookie = browser.cookie('tg_session')!;
    const { html } = await openInteraction(browser, server.issuer, webParams({ ...TOOL, prompt: 'login' }));
    const res = await submit(browser, server.origin, html, '/login', { login: 'bob', password: PASSWORD });
    const after = await codeRecord(redirectParams(res, TOOL_CB).get('code')!);
    const bob = (await server.app.ctx.store.users.getByLogin('bob'))!;
    assert.equal(after.userId, bob.id);
    assert.notEqual(after.sid, (await codeRecord(first.code)).sid);
    assert.notEqual(browser.cookie('tg_session'), oldCookie);
    const old = (await server.app.ctx.store.sessions.get(sha256(oldCookie)))!;
    assert.notEqual(old.endedAt, null, 'the old session is ended');
  });

  it('max_age: an older sign-in shows the login page (prompt=none: login_required); max_age=0 always does', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const fresh = await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, max_age: '60' })));
    assert.ok(redirectParams(fresh, TOOL_CB).get('code'), 'recent enough');
    server.advance(61);
    try {
      const stale = await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, max_age: '60' })));
      assert.ok(stale.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
      const silent = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, max_age: '60', prompt: 'none' }))), TOOL_CB);
      assert.equal(silent.get('error'), 'login_required');
      assert.equal(silent.get('error_description'), 'the last sign-in is older than max_age and prompt=none forbids showing the sign-in page');
      const zero = await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, max_age: '0' })));
      assert.ok(zero.headers.get('location')!.startsWith(`${server.issuer}/connect/interaction/`));
    } finally {
      server.advance(-61);
    }
  });

  it('the session expires after the idle lifetime and after the absolute lifetime', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    server.advance(500);
    try {
      assert.ok(redirectParams(await browser.get(authorizeUrl(server.issuer, webParams(TOOL))), TOOL_CB).get('code'), 'activity slides the idle expiry');
      server.advance(500);
      assert.ok(redirectParams(await browser.get(authorizeUrl(server.issuer, webParams(TOOL))), TOOL_CB).get('code'));
      server.advance(601);
      const idle = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
      assert.equal(idle.get('error'), 'login_required', 'idle too long');
    } finally {
      server.advance(-1601);
    }
    const busy = new TestBrowser();
    await signIn(busy, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    let moved = 0;
    try {
      for (; moved < 3500; moved += 500) {
        server.advance(500);
        assert.ok(redirectParams(await busy.get(authorizeUrl(server.issuer, webParams(TOOL))), TOOL_CB).get('code'));
      }
      server.advance(200);
      moved += 200;
      const absolute = redirectParams(await busy.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
      assert.equal(absolute.get('error'), 'login_required', 'past the absolute lifetime');
    } finally {
      server.advance(-moved);
    }
  });

  it('a disabled user\'s session no longer authorizes', async () => {
    const { createTestUser } = await import('../support/fixtures.js');
    const { user } = await createTestUser(server.app.ctx, { login: 'erin' });
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'erin', password: PASSWORD });
    // the store directly (the admin service also ends sessions): the session check itself must refuse
    await server.app.ctx.store.users.update({ ...user, enabled: false });
    const silent = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
    assert.equal(silent.get('error'), 'login_required');
    await new UserService(server.app.ctx).enable(user.id);
    const again = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
    assert.ok(again.get('code'), 'the session itself was not ended by the check');
    await new UserService(server.app.ctx).disable(user.id);
    const ended = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none' }))), TOOL_CB);
    assert.equal(ended.get('error'), 'login_required');
  });

  it('id_token_hint with prompt=none: another user than the session\'s gets login_required', async () => {
    const { signIdToken } = await import('./authorize-support.js');
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const alice = (await server.app.ctx.store.users.getByLogin('alice'))!;
    const bob = (await server.app.ctx.store.users.getByLogin('bob'))!;
    const aliceHint = await signIdToken(server.app.ctx, { sub: alice.id, aud: 'no-consent.app' }, '-1m');
    const ok = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none', id_token_hint: aliceHint }))), TOOL_CB);
    assert.ok(ok.get('code'), 'an expired hint still names the user');
    const bobHint = await signIdToken(server.app.ctx, { sub: bob.id, aud: 'no-consent.app' });
    const other = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none', id_token_hint: bobHint }))), TOOL_CB);
    assert.equal(other.get('error'), 'login_required');
    assert.equal(other.get('error_description'), 'the signed-in user is not the user named by id_token_hint and prompt=none forbids showing the sign-in page');
    const foreignAud = await signIdToken(server.app.ctx, { sub: alice.id, aud: 'web.app' });
    const foreign = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none', id_token_hint: foreignAud }))), TOOL_CB);
    assert.equal(foreign.get('error'), 'invalid_request');
    const otherIssuer = await signIdToken(server.app.ctx, { sub: alice.id, aud: 'no-consent.app', iss: 'https://evil.example.com' });
    const wrongIss = redirectParams(await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, prompt: 'none', id_token_hint: otherIssuer }))), TOOL_CB);
    assert.equal(wrongIss.get('error_description'), 'id_token_hint is not a valid ID token issued by this server to this app');
  });

  it('response_mode=form_post: a self-submitting form allowed by the CSP, usable without JavaScript', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'alice', password: PASSWORD });
    const res = await browser.get(authorizeUrl(server.issuer, webParams({ ...TOOL, response_mode: 'form_post', state: 'fp' })));
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<form method="post" action="https:\/\/tool.example.com\/cb">/);
    assert.match(html, /<input type="hidden" name="code" value="[A-Za-z0-9_-]{43}">/);
    assert.match(html, /<input type="hidden" name="state" value="fp">/);
    assert.ok(html.includes(`<input type="hidden" name="iss" value="${server.issuer}">`));
    assert.match(html, /<button type="submit">Continue<\/button>/);
    const script = /<script>([^<]*)<\/script>/.exec(html)![1]!;
    const { createHash } = await import('node:crypto');
    const csp = res.headers.get('content-security-policy')!;
    assert.ok(csp.includes(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`), csp);
    assert.match(csp, /form-action 'self' https:\/\/tool.example.com/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });
});
