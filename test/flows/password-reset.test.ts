import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, decodeEntities, parseForms, signIn } from '../support/browser.js';
import { createTestUser } from '../support/fixtures.js';
import { inspectDatabase } from '../support/inspect-database.js';
import { UserService } from '../../src/admin/user-service.js';
import { verifyPassword } from '../../src/domain/password.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { PASSWORD, authorizeUrl, redirectParams, startSignInServer, type SignInServer } from './authorize-support.js';
import { NEW_PASSWORD, accountPage, refresh, refreshTokenFor, registerRefreshApp, signInToAccount, textOf } from './account-support.js';

const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb', response_type: 'code', scope: 'openid', state: 's' };

describeEachDatabase('password reset links', (database) => {
  let server: SignInServer;
  let refreshSecret: string;
  const logLines: string[] = [];
  before(async () => {
    server = await startSignInServer(database().url, { PASSWORD_RESET_LIFETIME: '1800' });
    refreshSecret = await registerRefreshApp(server);
    const sink = new Writable({ write: (chunk, _enc, done) => { logLines.push(String(chunk)); done(); } });
    server.app.ctx.log = pino({ level: 'debug' }, sink);
  });
  after(async () => server?.close());

  const users = () => new UserService(server.app.ctx);
  const passwordOf = async (login: string, password: string) =>
    verifyPassword((await server.app.ctx.store.users.getByLogin(login))!.passwordHash, password, server.app.ctx.config.argon2);

  function resetPost(browser: TestBrowser, url: string, password: string, again = password): Promise<Response> {
    return browser.postForm(url, { new_password: password, confirm_password: again });
  }

  async function invalidLinkPage(res: Response): Promise<string> {
    assert.equal(res.status, 404);
    const html = await res.text();
    assert.match(html, /<h1>This link cannot be used<\/h1>/);
    return html;
  }

  it('the link is 256 bits, stored only as its SHA-256 with the user and expiry, and leads to a form for the new password', async () => {
    const { user } = await createTestUser(server.app.ctx, { login: 'frank', displayName: 'Frank Fischer' });
    const before = server.app.ctx.now();
    const link = await users().createResetLink('frank');
    const token = link.url.slice(`${server.issuer}/account/reset/`.length);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(link.expiresAt >= before + 1_800_000 && link.expiresAt <= server.app.ctx.now() + 1_800_000, 'PASSWORD_RESET_LIFETIME from now');
    const rows = await (await inspectDatabase(server.app.ctx)).selectFrom('password_resets').selectAll().where('user_id', '=', user.id).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.token_hash, sha256(token));
    assert.equal(rows[0]!.expires_at, link.expiresAt);
    assert.equal(rows[0]!.used_at, null);
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');

    const page = await new TestBrowser().get(link.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.match(html, /<h1>Choose a new password<\/h1>/);
    assert.match(html, /<strong>frank<\/strong>/);
    const form = parseForms(html)[0]!;
    assert.equal(form.action, `/id/account/reset/${token}`);
    assert.match(html, /<label for="new_password">New password<\/label>/);
    assert.match(html, /<label for="confirm_password">New password again<\/label>/);
  });

  it('a successful reset sets the password, ends every session and revokes every refresh token; the link is then used up', async () => {
    await createTestUser(server.app.ctx, { login: 'gina', displayName: 'Gina Gomez' });
    const laptop = new TestBrowser();
    await signInToAccount(server, laptop, 'gina', PASSWORD);
    const phoneToken = await refreshTokenFor(server, new TestBrowser(), refreshSecret, { login: 'gina', password: PASSWORD });

    const link = await users().createResetLink('gina');
    const browser = new TestBrowser();
    const res = await resetPost(browser, link.url, NEW_PASSWORD);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>Your password was changed<\/h1>/);
    assert.equal(decodeEntities(textOf(html, 'notice') ?? ''), 'The password of gina was changed. You were signed out everywhere; sign in with the new password.');
    assert.match(html, /<a class="button" href="\/id\/account">Sign in<\/a>/);
    assert.equal(await passwordOf('gina', NEW_PASSWORD), true);

    assert.equal((await laptop.get(`${server.issuer}/account`)).status, 303, 'the session signed in before the reset has ended');
    assert.equal(redirectParams(await laptop.get(authorizeUrl(server.issuer, { ...TOOL, prompt: 'none' })), TOOL.redirect_uri).get('error'), 'login_required');
    assert.equal((await refresh(server, refreshSecret, phoneToken)).body.error, 'invalid_grant');
    const row = await (await inspectDatabase(server.app.ctx)).selectFrom('password_resets').selectAll().where('token_hash', '=', sha256(link.url.split('/').at(-1)!)).executeTakeFirstOrThrow();
    assert.notEqual(row.used_at, null, 'the reset is marked used, not deleted');

    await invalidLinkPage(await browser.get(link.url));
    await invalidLinkPage(await resetPost(browser, link.url, 'orbit lantern violet harbor'));
    assert.equal(await passwordOf('gina', NEW_PASSWORD), true, 'a used link changes nothing');
    const signedIn = await signIn(new TestBrowser(), server.issuer, TOOL, { login: 'gina', password: NEW_PASSWORD });
    assert.ok(signedIn.searchParams.get('code'));
  });

  it('10 concurrent submissions of one link: exactly one succeeds, and its password is the one set', async () => {
    await createTestUser(server.app.ctx, { login: 'hugo', displayName: 'Hugo Hall' });
    const link = await users().createResetLink('hugo');
    const candidates = Array.from({ length: 10 }, (_, i) => `violet harbor lantern ${['north', 'south', 'east', 'west', 'up', 'down', 'left', 'right', 'in', 'out'][i]}`);
    const results = await Promise.all(candidates.map((password) => resetPost(new TestBrowser(), link.url, password)));
    const statuses = results.map((r) => r.status);
    assert.deepEqual(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses}`);
    assert.deepEqual(statuses.filter((s) => s === 404).length, 9, `statuses: ${statuses}`);
    const winner = candidates[statuses.indexOf(200)]!;
    for (const password of candidates) assert.equal(await passwordOf('hugo', password), password === winner);
  });

  it('unknown, used and expired links get one identical page (no oracle about which)', async () => {
    await createTestUser(server.app.ctx, { login: 'ines', displayName: 'Ines Ito' });
    await createTestUser(server.app.ctx, { login: 'ivan', displayName: 'Ivan Iliev' });
    const used = await users().createResetLink('ines');
    assert.equal((await resetPost(new TestBrowser(), used.url, NEW_PASSWORD)).status, 200);
    const expired = await users().createResetLink('ivan');
    server.advance(1801);
    const unknown = `${server.issuer}/account/reset/${'x'.repeat(43)}`;
    const malformed = `${server.issuer}/account/reset/not-a-token`;
    const pages: string[] = [];
    for (const url of [used.url, expired.url, unknown, malformed]) {
      pages.push(await invalidLinkPage(await new TestBrowser().get(url)));
      pages.push(await invalidLinkPage(await resetPost(new TestBrowser(), url, 'orbit lantern violet harbor')));
    }
    assert.ok(pages.every((page) => page === pages[0]), 'the same page for every kind of bad link');
    assert.equal(
      decodeEntities(textOf(pages[0]!, 'error') ?? ''),
      'This password-reset link is not valid: it is wrong, was already used, or has expired. Ask your administrator for a new one.',
    );
    assert.equal(await passwordOf('ines', NEW_PASSWORD), true, 'the used link changed nothing');
    assert.equal(await passwordOf('ivan', PASSWORD), true, 'the expired link changed nothing');
  });

  it('a new link replaces the older one', async () => {
    await createTestUser(server.app.ctx, { login: 'jack', displayName: 'Jack Jones' });
    const older = await users().createResetLink('jack');
    const newer = await users().createResetLink('jack');
    await invalidLinkPage(await new TestBrowser().get(older.url));
    assert.equal((await new TestBrowser().get(newer.url)).status, 200);
  });

  it('weak, personal or mismatched passwords are refused with the reason; the link stays usable', async () => {
    await createTestUser(server.app.ctx, { login: 'kate', displayName: 'Kate Kowalski', email: 'kate.k@example.com' });
    const link = await users().createResetLink('kate');
    const cases: [string, string, string][] = [
      ['password1234', 'password1234', 'The password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.'],
      ['kowalski river orbit', 'kowalski river orbit', 'The password must not contain the name or a part of it.'],
      ['orbit kate.k@example.com', 'orbit kate.k@example.com', 'The password must not contain the login.'],
      [NEW_PASSWORD, `${NEW_PASSWORD}.`, 'The two new passwords are not the same. Enter the new password twice.'],
      ['', '', 'Enter the new password twice.'],
    ];
    for (const [password, again, reason] of cases) {
      const res = await resetPost(new TestBrowser(), link.url, password, again);
      assert.equal(res.status, 400, reason);
      assert.equal(decodeEntities(textOf(await res.text(), 'error') ?? ''), reason);
    }
    assert.equal((await resetPost(new TestBrowser(), link.url, NEW_PASSWORD)).status, 200);
  });

  it('expired resets are pruned; the token never reaches the log', async () => {
    const pruned = await server.app.ctx.store.passwordResets.pruneExpired(server.app.ctx.now());
    assert.ok(pruned >= 1, `pruned ${pruned}`);
    const db = await inspectDatabase(server.app.ctx);
    const left = await db.selectFrom('password_resets').select('expires_at').execute();
    assert.ok(left.every((row) => row.expires_at >= server.app.ctx.now()));
    const log = logLines.join('');
    assert.match(log, /"event":"password_changed","by":"reset_link"/);
    assert.doesNotMatch(log, /account\/reset\/[A-Za-z0-9_-]{20}/, 'no reset URL in the log');
    assert.doesNotMatch(log, /violet harbor|password1234/, 'no password in the log');
  });
});
