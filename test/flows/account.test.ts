import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, decodeEntities, parseForms, pkcePair, signIn } from '../support/browser.js';
import { verifyPassword } from '../../src/domain/password.js';
import { createTestUser } from '../support/fixtures.js';
import { PASSWORD, authorizeUrl, redirectParams, startSignInServer, type SignInServer } from './authorize-support.js';
import {
  NEW_PASSWORD,
  accountPage,
  finishAccountSignIn,
  passwordForm,
  refresh,
  refreshTokenFor,
  registerRefreshApp,
  signInToAccount,
  signInUntilCallback,
  submitPasswordChange,
  textOf,
} from './account-support.js';

const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb', response_type: 'code', scope: 'openid', state: 's' };

describeEachDatabase('account area: sign-in as the built-in app, password change', (database) => {
  let server: SignInServer;
  let refreshSecret: string;
  before(async () => {
    server = await startSignInServer(database().url);
    refreshSecret = await registerRefreshApp(server);
  });
  after(async () => server?.close());

  const passwordOf = async (login: string, password: string) =>
    verifyPassword((await server.app.ctx.store.users.getByLogin(login))!.passwordHash, password, server.app.ctx.config.argon2);

  it('without a session, /account goes through /connect/authorize as urn:trustgate:account with PKCE S256 and a state cookie', async () => {
    const browser = new TestBrowser();
    const res = await browser.get(`${server.issuer}/account`);
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, `${server.issuer}/connect/authorize`);
    const params = Object.fromEntries(location.searchParams);
    assert.deepEqual(Object.keys(params).sort(), ['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
    assert.equal(params.client_id, 'urn:trustgate:account');
    assert.equal(params.redirect_uri, `${server.issuer}/account/callback`);
    assert.equal(params.scope, 'openid profile email');
    assert.equal(params.code_challenge_method, 'S256');
    assert.match(params.code_challenge!, /^[A-Za-z0-9_-]{43}$/);
    assert.match(params.state!, /^[A-Za-z0-9_-]{43}\.$/, 'bound to the browser; names the page to return to (the overview)');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tg_account_signin='))!;
    assert.ok(cookie, 'the pending sign-in is kept in a cookie');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /^tg_account_signin=[A-Za-z0-9_-]{43};/, 'one random secret; state and verifier derive from it');
    assert.match(cookie, /Path=\/id(;|$)/);
    assert.match(cookie, /Max-Age=600/);
    assert.ok(!params.state!.includes(cookie.split(';')[0]!.split('=')[1]!), 'the state does not give the secret away');
  });

  it('from no session to a changed password: sign in, the account page, the change; the new password works', async () => {
    const browser = new TestBrowser();
    const html = await signInToAccount(server, browser, 'alice', PASSWORD);
    assert.match(html, /<h1>Your account<\/h1>/);
    assert.match(html, /<dt>Login<\/dt><dd>alice<\/dd>/);
    assert.match(html, /<dt>Name<\/dt><dd>Alice Anders<\/dd>/);
    assert.match(html, /<dt>Email<\/dt><dd>alice@example.com<\/dd>/);
    assert.match(html, /<section id="password" aria-labelledby="password-title">\n<h2 id="password-title">Change password<\/h2>/);
    assert.match(html, /<label for="current_password">Current password<\/label>/);
    assert.match(html, /<label for="new_password">New password<\/label>/);
    assert.match(html, /<label for="confirm_password">New password again<\/label>/);
    assert.doesNotMatch(html, /<script/i, 'no JavaScript');
    assert.match(passwordForm(html).fields.csrf ?? '', /^[A-Za-z0-9_-]{43}$/);

    const changed = await submitPasswordChange(server, browser, html, { current: PASSWORD, next: NEW_PASSWORD });
    assert.equal(changed.status, 200);
    const page = await changed.text();
    assert.equal(
      textOf(page, 'notice'),
      'Your password was changed. You were signed out everywhere else, and apps that stayed signed in will ask you to sign in again.',
    );
    assert.match(changed.headers.get('content-security-policy') ?? '', /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    assert.equal(changed.headers.get('cache-control'), 'no-store');
    assert.equal(await passwordOf('alice', NEW_PASSWORD), true);
    assert.equal(await passwordOf('alice', PASSWORD), false);

    // the session that made the change stays signed in
    await accountPage(server, browser);
    // and the new password signs in, the old one no longer does
    const other = new TestBrowser();
    await assert.rejects(signIn(other, server.issuer, TOOL, { login: 'alice', password: PASSWORD }), /with HTTP 401/);
    const ok = await signIn(new TestBrowser(), server.issuer, TOOL, { login: 'alice', password: NEW_PASSWORD });
    assert.ok(ok.searchParams.get('code'));
  });

  it('the change ends the other sessions and revokes refresh tokens; the session that made it stays', async () => {
    const phone = new TestBrowser();
    const phoneToken = await refreshTokenFor(server, phone, refreshSecret, { login: 'bob', password: PASSWORD });
    const laptop = new TestBrowser();
    const html = await signInToAccount(server, laptop, 'bob', PASSWORD);
    const laptopToken = await refreshTokenFor(server, laptop, refreshSecret, { login: 'bob', password: PASSWORD });

    const changed = await submitPasswordChange(server, laptop, html, { current: PASSWORD, next: NEW_PASSWORD });
    assert.equal(changed.status, 200);

    // the other browser's session has ended: prompt=none finds nobody signed in
    const silent = redirectParams(await phone.get(authorizeUrl(server.issuer, { ...TOOL, prompt: 'none' })), TOOL.redirect_uri);
    assert.equal(silent.get('error'), 'login_required');
    assert.equal((await phone.get(`${server.issuer}/account`)).status, 303, 'the other browser must sign in again');
    // its refresh token is revoked, and so is the one an app got in this browser (every family of the user)
    const phoneRefresh = await refresh(server, refreshSecret, phoneToken);
    assert.equal(phoneRefresh.status, 400);
    assert.equal(phoneRefresh.body.error, 'invalid_grant');
    assert.equal((await refresh(server, refreshSecret, laptopToken)).body.error, 'invalid_grant');
    // the session that made the change still signs in silently and still opens the account page
    const stillIn = redirectParams(await laptop.get(authorizeUrl(server.issuer, { ...TOOL, prompt: 'none' })), TOOL.redirect_uri);
    assert.ok(stillIn.get('code'), `got ${stillIn}`);
    await accountPage(server, laptop);
  });

  it('a change needs a sign-in within ACCOUNT_REAUTH_SECONDS; otherwise the user signs in again (prompt=login, max_age=0) and comes back', async () => {
    const browser = new TestBrowser();
    const html = await signInToAccount(server, browser, 'carol', PASSWORD);
    server.advance(290);
    assert.ok(passwordForm(await accountPage(server, browser)), 'still fresh after 290 s');
    server.advance(20);
    const stale = await accountPage(server, browser);
    assert.equal(parseForms(stale).find((f) => f.action.endsWith('/account/password')), undefined, 'no form once the sign-in is older than 300 s');
    assert.match(stale, /<a class="button" href="\/id\/account\/reauthenticate">Sign in again<\/a>/);

    // the form sent anyway (an old page) changes nothing and sends the user to sign in again
    const refused = await submitPasswordChange(server, browser, html, { current: PASSWORD, next: NEW_PASSWORD });
    assert.equal(refused.status, 303);
    const location = new URL(refused.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, `${server.issuer}/connect/authorize`);
    assert.equal(location.searchParams.get('client_id'), 'urn:trustgate:account');
    assert.equal(location.searchParams.get('prompt'), 'login');
    assert.equal(location.searchParams.get('max_age'), '0');
    assert.equal(location.searchParams.get('login_hint'), 'carol');
    assert.equal(await passwordOf('carol', NEW_PASSWORD), false);

    // the sign-in page asks for the password although the session is live, then comes back to /account
    const callback = await signInUntilCallback(server, browser, location, { login: 'carol', password: PASSWORD });
    const fresh = await finishAccountSignIn(server, browser, callback);
    const done = await submitPasswordChange(server, browser, fresh, { current: PASSWORD, next: NEW_PASSWORD });
    assert.equal(done.status, 200);
    assert.equal(await passwordOf('carol', NEW_PASSWORD), true);
  });

  it('the link "Sign in again" asks for the password even with a live session', async () => {
    const browser = new TestBrowser();
    await signInToAccount(server, browser, 'carol', NEW_PASSWORD);
    const res = await browser.get(`${server.issuer}/account/reauthenticate`);
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('prompt'), 'login');
    assert.equal(location.searchParams.get('max_age'), '0');
    const interaction = await browser.get(location);
    const login = await browser.get(interaction.headers.get('location')!);
    assert.match(await login.text(), /You are signed in as carol\. Sign in again to continue\./);
  });

  it('a form without this session\'s CSRF token is refused and changes nothing', async () => {
    const browser = new TestBrowser();
    await createTestUser(server.app.ctx, { login: 'dave' });
    const html = await signInToAccount(server, browser, 'dave', PASSWORD);
    const otherHtml = await signInToAccount(server, new TestBrowser(), 'bob', NEW_PASSWORD);
    const form = passwordForm(html);
    const fields = { current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD };
    for (const csrf of [undefined, '', 'x'.repeat(43), passwordForm(otherHtml).fields.csrf!]) {
      const body: Record<string, string> = { ...fields };
      if (csrf !== undefined) body.csrf = csrf;
      const res = await browser.postForm(new URL(form.action, server.origin), body);
      assert.equal(res.status, 403, `csrf ${JSON.stringify(csrf)}`);
      const page = await res.text();
      assert.equal(
        decodeEntities(textOf(page, 'error') ?? ''),
        'The form could not be verified: it was not sent from your account page in this session. Nothing was changed.',
      );
    }
    assert.equal(await passwordOf('dave', PASSWORD), true);
    assert.equal(await passwordOf('dave', NEW_PASSWORD), false);
  });

  it('without a session the form sends the browser to sign in and changes nothing', async () => {
    const res = await new TestBrowser().postForm(`${server.issuer}/account/password`, { csrf: 'x', current_password: PASSWORD, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    assert.equal(res.status, 303);
    assert.ok(res.headers.get('location')!.startsWith(`${server.issuer}/connect/authorize?client_id=urn%3Atrustgate%3Aaccount&`));
    assert.equal(await passwordOf('dave', PASSWORD), true);
  });

  it('weak, mismatched or personal new passwords and a wrong current password are refused with the reason', async () => {
    const browser = new TestBrowser();
    await createTestUser(server.app.ctx, { login: 'erin', displayName: 'Erin Evans' });
    const html = await signInToAccount(server, browser, 'erin', PASSWORD);
    const cases: [{ current: string; next: string; again?: string }, string][] = [
      [{ current: PASSWORD, next: 'password1234' }, 'The password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.'],
      [{ current: PASSWORD, next: 'orbit Erin river lantern' }, 'The password must not contain the login.'],
      [{ current: PASSWORD, next: 'orbit Evans river lantern' }, 'The password must not contain the name or a part of it.'],
      [{ current: PASSWORD, next: 'short' }, 'The password must be at least 10 characters long.'],
      [{ current: PASSWORD, next: NEW_PASSWORD, again: `${NEW_PASSWORD}!` }, 'The two new passwords are not the same. Enter the new password twice.'],
      [{ current: 'not the password at all', next: NEW_PASSWORD }, 'Your current password is not correct.'],
      [{ current: PASSWORD, next: PASSWORD }, 'The new password must be different from the current one.'],
    ];
    for (const [fields, reason] of cases) {
      const res = await submitPasswordChange(server, browser, html, fields);
      assert.equal(res.status, 400, reason);
      const page = await res.text();
      assert.equal(decodeEntities(textOf(page, 'error') ?? ''), reason);
      assert.match(page, /<input id="new_password"[^>]*aria-invalid="true"/);
    }
    assert.equal(await passwordOf('erin', PASSWORD), true);
  });

  it('guessing the current password on the account page is throttled like a sign-in (a fresh session is no licence to try)', async () => {
    const browser = new TestBrowser();
    await createTestUser(server.app.ctx, { login: 'guesser' });
    const html = await signInToAccount(server, browser, 'guesser', PASSWORD);
    const limit = server.app.ctx.config.throttle.deviceLimit;
    const statuses: number[] = [];
    for (let i = 0; i <= limit + server.app.ctx.config.throttle.accountSourceLimit; i++) {
      statuses.push((await submitPasswordChange(server, browser, html, { current: `wrong guess ${i}`, next: NEW_PASSWORD })).status);
    }
    assert.equal(statuses.at(-1), 429, `statuses ${statuses.join(',')}`);
    const right = await submitPasswordChange(server, browser, html, { current: PASSWORD, next: NEW_PASSWORD });
    assert.equal(right.status, 429, 'refused unchecked');
    assert.equal(await passwordOf('guesser', PASSWORD), true);
  });

  it('the callback redeems the code once, with PKCE, for the session that signed in', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(`${server.issuer}/account`);
    const authorize = new URL(start.headers.get('location')!);
    const pending = browser.cookie('tg_account_signin')!;
    const callback = await signInUntilCallback(server, browser, authorize, { login: 'dave', password: PASSWORD });
    await finishAccountSignIn(server, browser, callback);

    const refusal = async (res: Response) => {
      assert.equal(res.status, 400);
      return decodeEntities(textOf(await res.text(), 'error') ?? '');
    };
    // the pending sign-in is answered once: the same answer again no longer matches this browser
    assert.equal(
      await refusal(await browser.get(callback)),
      'This sign-in could not be matched to this browser: it has expired, or was started in another tab or browser. Open your account page to sign in again.',
    );
    // even with the cookie put back, the code is spent
    browser.setCookie(server.origin, 'tg_account_signin', pending, '/id');
    assert.equal(
      await refusal(await browser.get(callback)),
      'The sign-in could not be completed: authorization code was already used. Open your account page to sign in again.',
    );
    // a code issued for another challenge than the one of this browser's verifier fails PKCE
    const second = new TestBrowser();
    const again = new URL((await second.get(`${server.issuer}/account`)).headers.get('location')!);
    again.searchParams.set('code_challenge', pkcePair().challenge);
    const back = await signInUntilCallback(server, second, again, { login: 'dave', password: PASSWORD });
    assert.equal(await refusal(await second.get(back)), 'The sign-in could not be completed: PKCE verification failed. Open your account page to sign in again.');
    // another browser's state (login CSRF) is refused before the code is looked at
    const third = new TestBrowser();
    await third.get(`${server.issuer}/account`);
    assert.equal(
      await refusal(await third.get(back)),
      'This sign-in could not be matched to this browser: it has expired, or was started in another tab or browser. Open your account page to sign in again.',
    );
  });

  it('a code issued to another session is refused even with the right state and verifier', async () => {
    const victim = new TestBrowser();
    await signInToAccount(server, victim, 'bob', NEW_PASSWORD);
    const attacker = new TestBrowser();
    const start = new URL((await attacker.get(`${server.issuer}/account`)).headers.get('location')!);
    const callback = await signInUntilCallback(server, attacker, start, { login: 'dave', password: PASSWORD });
    // the attacker's pending sign-in and code, replayed in the victim's browser (which has bob's session)
    victim.setCookie(server.origin, 'tg_account_signin', attacker.cookie('tg_account_signin')!, '/id');
    const res = await victim.get(callback);
    assert.equal(res.status, 400);
    assert.equal(decodeEntities(textOf(await res.text(), 'error') ?? ''), 'Your session ended during the sign-in. Open your account page to sign in again.');
  });

  it('every form of the account page carries the CSRF token; "Sign out" ends the session', async () => {
    const browser = new TestBrowser();
    const html = await signInToAccount(server, browser, 'dave', PASSWORD);
    const forms = parseForms(html);
    assert.ok(forms.length > 0);
    for (const form of forms) assert.equal(form.fields.csrf, passwordForm(html).fields.csrf, `the form to ${form.action}`);
    const signOut = /<a href="([^"]+)">Sign out<\/a>/.exec(html)?.[1];
    assert.equal(decodeEntities(signOut ?? ''), '/id/connect/endsession?client_id=urn%3Atrustgate%3Aaccount');
    // the sign-out asks first (RP-initiated logout without id_token_hint), then signs out
    const ask = await browser.get(new URL(decodeEntities(signOut!), server.origin));
    assert.equal(ask.status, 200);
    const confirm = parseForms(await ask.text()).find((f) => f.buttons.some((b) => b.value === 'logout'))!;
    assert.ok(confirm, 'the confirmation page has a sign-out button');
    const res = await browser.postForm(new URL(confirm.action, server.origin), { ...confirm.fields, decision: 'logout' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /You are signed out/);
    assert.equal((await browser.get(`${server.issuer}/account`)).status, 303, 'signed out: /account asks to sign in');
  });

  it('a cancelled sign-in comes back as a clear page, not an error of the server', async () => {
    const browser = new TestBrowser();
    const start = new URL((await browser.get(`${server.issuer}/account`)).headers.get('location')!);
    const interaction = await browser.get(start);
    const loginUrl = interaction.headers.get('location')!;
    const login = await (await browser.get(loginUrl)).text();
    const cancel = parseForms(login).find((f) => f.action.endsWith('/abort'))!;
    const back = await browser.postForm(new URL(cancel.action, server.origin), cancel.fields);
    const res = await browser.get(back.headers.get('location')!);
    assert.equal(res.status, 400);
    assert.equal(
      decodeEntities(textOf(await res.text(), 'error') ?? ''),
      'The sign-in ended without success: the user cancelled the sign-in. Open your account page to sign in again.',
    );
  });
});
