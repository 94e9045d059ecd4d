import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, decodeEntities, parseForms } from '../support/browser.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { decodeJwt, postForm } from '../support/token-helpers.js';
import { PASSWORD, authorizeUrl, redirectParams, startSignInServer, submit, webParams, type SignInServer } from './authorize-support.js';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/second-factors/totp.js';
import { ACR } from '../../src/domain/authentication-level.js';
import { AppService } from '../../src/admin/app-service.js';
import { UserService } from '../../src/admin/user-service.js';

const TOOL = 'https://tool.example.com/cb';
const toolParams = (extra: Record<string, string> = {}) =>
  webParams({ client_id: 'no-consent.app', redirect_uri: TOOL, scope: 'openid read', ...extra });

function codeFor(secret: string, at = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });
}

describeEachDatabase('second factors at sign-in: TOTP, recovery codes, enrolment, step-up', (database) => {
  let server: SignInServer;
  let clientSecret: string;
  before(async () => {
    server = await startSignInServer(database().url);
    clientSecret = (await new AppService(server.app.ctx).addSecret('no-consent.app', { generateSecret: true })).generatedSecret!;
  });
  after(async () => server?.close());

  /** Gives `login` an authenticator app directly (as if set up earlier); returns its secret. */
  async function enrolled(login: string): Promise<string> {
    const { user } = await createTestUser(server.app.ctx, { login });
    const enrolment = await startTotpEnrolment(server.app.ctx, user);
    assert.ok(await confirmTotpEnrolment(server.app.ctx, user, enrolment.credentialId, codeFor(enrolment.secret, Date.now() - 30_000)));
    return enrolment.secret;
  }

  /** Opens authorize, submits the password; returns the page that follows. */
  async function afterPassword(browser: TestBrowser, login: string, params = toolParams()): Promise<{ res: Response; html: string }> {
    const start = await browser.get(authorizeUrl(server.issuer, params));
    assert.equal(start.status, 303);
    const page = await browser.get(start.headers.get('location')!);
    const res = await submit(browser, server.origin, await page.text(), '/login', { login, password: PASSWORD });
    if (res.status !== 303 || !res.headers.get('location')!.startsWith(`${server.issuer}/`)) return { res, html: '' };
    const next = await browser.get(res.headers.get('location')!);
    return { res: next, html: await next.clone().text() };
  }

  async function tokensFor(code: string): Promise<{ idToken: Record<string, any>; accessToken: Record<string, any> }> {
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: TOOL }, {
      basic: { clientId: 'no-consent.app', secret: clientSecret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { idToken: decodeJwt(res.body.id_token).payload, accessToken: decodeJwt(res.body.access_token).payload };
  }

  it('a user with an authenticator app gives a code after the password; tokens say pwd+otp (mfa)', async () => {
    const secret = await enrolled('tina');
    const browser = new TestBrowser();
    const { res, html } = await afterPassword(browser, 'tina');
    assert.equal(res.status, 200);
    assert.match(html, /Confirm it is you/);
    assert.equal(browser.cookie('tg_session'), undefined, 'no session before the second factor');
    const wrong = await submit(browser, server.origin, html, '/second-factor', { code: '000000' });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /That code is not right/);
    const done = await submit(browser, server.origin, html, '/second-factor', { code: codeFor(secret) });
    const { idToken, accessToken } = await tokensFor(redirectParams(done, TOOL).get('code')!);
    assert.deepEqual(idToken.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(idToken.acr, ACR.mfa);
    assert.equal(accessToken.acr, ACR.mfa);
  });

  it('the password alone gets no code: the consent and continue steps refuse an interaction that is between factors', async () => {
    await enrolled('pat');
    const browser = new TestBrowser();
    const { html } = await afterPassword(browser, 'pat');
    const csrf = parseForms(html)[0]!.fields.csrf!;
    const interactionPath = new URL(parseForms(html)[0]!.action, server.origin).pathname.replace(/\/second-factor$/, '');
    for (const step of ['consent', 'continue']) {
      const res = await browser.postForm(`${server.origin}${interactionPath}/${step}`, { csrf, decision: 'allow' });
      assert.equal(res.status, 400, step);
      assert.equal(res.headers.get('location'), null);
    }
    const again = await browser.get(authorizeUrl(server.issuer, toolParams({ prompt: 'none' })));
    assert.equal(redirectParams(again, TOOL).get('error'), 'login_required', 'no session exists yet');
  });

  it('a recovery code signs in once instead of a code from the app', async () => {
    await enrolled('rory');
    const user = (await server.app.ctx.store.users.getByLogin('rory'))!;
    const { issueRecoveryCodes } = await import('../../src/second-factors/recovery-codes.js');
    const [code] = await issueRecoveryCodes(server.app.ctx, user.id);
    const first = new TestBrowser();
    const { html } = await afterPassword(first, 'rory');
    assert.ok(redirectParams(await submit(first, server.origin, html, '/second-factor', { code: code! }), TOOL).get('code'));
    const second = new TestBrowser();
    const again = await afterPassword(second, 'rory');
    assert.equal((await submit(second, server.origin, again.html, '/second-factor', { code: code! })).status, 401);
  });

  it('a user with passkeys and no authenticator app: the code field is for a recovery code, and says nothing of an app', async () => {
    const { user } = await createTestUser(server.app.ctx, { login: 'pia' });
    await server.app.ctx.store.passkeys.add({
      id: 'pia-key', userId: user.id, publicKey: 'not used here', counter: 0, transports: ['internal'], backedUp: false, name: 'Laptop', createdAt: Date.now(), lastUsedAt: null,
    });
    const { issueRecoveryCodes } = await import('../../src/second-factors/recovery-codes.js');
    const [code] = await issueRecoveryCodes(server.app.ctx, user.id);
    const browser = new TestBrowser();
    const { html } = await afterPassword(browser, 'pia');
    const page = decodeEntities(html);
    assert.match(page, /<label for="code">Recovery code<\/label>/);
    assert.match(page, /If you cannot use your passkey, enter one of your recovery codes\./);
    assert.doesNotMatch(page, /authenticator app/i);
    assert.doesNotMatch(page, /inputmode="numeric"/, 'recovery codes are not digits only');
    const empty = await submit(browser, server.origin, html, '/second-factor', { code: ' ' });
    assert.equal(empty.status, 400);
    const emptyHtml = await empty.text();
    assert.match(decodeEntities(emptyHtml), /Enter one of your recovery codes\./);
    assert.doesNotMatch(decodeEntities(emptyHtml), /authenticator app/i);
    assert.ok(redirectParams(await submit(browser, server.origin, emptyHtml, '/second-factor', { code: code! }), TOOL).get('code'));
  });

  it('wrong codes are throttled per user: after five, even the right code is refused (429)', async () => {
    const secret = await enrolled('gabe');
    const browser = new TestBrowser();
    const { html } = await afterPassword(browser, 'gabe');
    for (let i = 0; i < 5; i++) assert.equal((await submit(browser, server.origin, html, '/second-factor', { code: String(111111 + i) })).status, 401);
    const refused = await submit(browser, server.origin, html, '/second-factor', { code: codeFor(secret) });
    assert.equal(refused.status, 429);
    assert.ok(refused.headers.get('retry-after'));
  });

  it('an app that requires a second factor leads a user without one through setting up an app, then shows recovery codes once', async () => {
    await createTestApp(server.app.ctx, { clientId: 'strict.app', requireMfa: true, requireConsent: false, loginRedirectUris: [TOOL] });
    const { secret: strictSecret } = await new AppService(server.app.ctx).addSecret('strict.app', { generateSecret: true }).then((r) => ({ secret: r.generatedSecret! }));
    await createTestUser(server.app.ctx, { login: 'newbie' });
    const browser = new TestBrowser();
    const { html } = await afterPassword(browser, 'newbie', toolParams({ client_id: 'strict.app' }));
    assert.match(html, /Set up an authenticator app/);
    const secret = decodeEntities(/<code class="secret"[^>]*>([^<]+)<\/code>/.exec(html)![1]!).replace(/\s/g, '');
    const wrong = await submit(browser, server.origin, html, '/enrol-totp', { code: '123456' });
    assert.equal(wrong.status, 400);
    const codesPage = await submit(browser, server.origin, html, '/enrol-totp', { code: codeFor(secret) });
    assert.equal(codesPage.status, 200);
    const codesHtml = await codesPage.text();
    const codes = [...codesHtml.matchAll(/<li><code>([0-9a-z-]{14})<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(codes.length, 10);
    const done = await submit(browser, server.origin, codesHtml, '/continue', {});
    const code = redirectParams(done, TOOL).get('code')!;
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: TOOL }, {
      basic: { clientId: 'strict.app', secret: strictSecret },
    });
    assert.deepEqual(decodeJwt(res.body.id_token).payload.amr, ['pwd', 'otp', 'mfa']);
    // from now on the user is asked for a code everywhere, also by apps that do not require one
    const later = await afterPassword(new TestBrowser(), 'newbie');
    assert.match(later.html, /Confirm it is you/);
  });

  it('user require-mfa applies to every app', async () => {
    await createTestUser(server.app.ctx, { login: 'vip' });
    await new UserService(server.app.ctx).setRequireMfa('vip', true);
    const { html } = await afterPassword(new TestBrowser(), 'vip');
    assert.match(html, /Set up an authenticator app/);
  });

  it('acr_values asks for more than the session has: step-up without the password; prompt=none gets interaction_required', async () => {
    await createTestUser(server.app.ctx, { login: 'climber' });
    const browser = new TestBrowser();
    const first = await afterPassword(browser, 'climber');
    const before = await tokensFor(redirectParams(first.res, TOOL).get('code')!);
    assert.deepEqual(before.idToken.amr, ['pwd']);
    assert.equal(before.idToken.acr, ACR.pwd);
    const silent = await browser.get(authorizeUrl(server.issuer, toolParams({ acr_values: ACR.mfa, prompt: 'none' })));
    assert.equal(redirectParams(silent, TOOL).get('error'), 'interaction_required');
    const start = await browser.get(authorizeUrl(server.issuer, toolParams({ acr_values: `urn:other:gold ${ACR.mfa}` })));
    const page = await browser.get(start.headers.get('location')!);
    const html = await page.text();
    assert.match(html, /Set up an authenticator app/, 'no password asked: the session user sets up a second factor');
    const secret = decodeEntities(/<code class="secret"[^>]*>([^<]+)<\/code>/.exec(html)![1]!).replace(/\s/g, '');
    const codesPage = await submit(browser, server.origin, html, '/enrol-totp', { code: codeFor(secret) });
    const done = await submit(browser, server.origin, await codesPage.text(), '/continue', {});
    const after = await tokensFor(redirectParams(done, TOOL).get('code')!);
    assert.deepEqual(after.idToken.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(after.idToken.acr, ACR.mfa);
    assert.equal(after.idToken.sid, before.idToken.sid, 'the same session, stepped up');
    const again = await browser.get(authorizeUrl(server.issuer, toolParams({ acr_values: ACR.mfa, prompt: 'none' })));
    assert.ok(redirectParams(again, TOOL).get('code'), 'now satisfied silently');
  });

  it('a password-only session of a user who since set up an app steps up with a code, not the password', async () => {
    await createTestUser(server.app.ctx, { login: 'later' });
    const browser = new TestBrowser();
    const first = await afterPassword(browser, 'later');
    assert.ok(redirectParams(first.res, TOOL).get('code'));
    const user = (await server.app.ctx.store.users.getByLogin('later'))!;
    const enrolment = await startTotpEnrolment(server.app.ctx, user);
    await confirmTotpEnrolment(server.app.ctx, user, enrolment.credentialId, codeFor(enrolment.secret, Date.now() - 30_000));
    const start = await browser.get(authorizeUrl(server.issuer, toolParams()));
    const page = await browser.get(start.headers.get('location')!);
    const html = await page.text();
    assert.match(html, /Confirm it is you/);
    assert.doesNotMatch(html, /name="password"/);
    const done = await submit(browser, server.origin, html, '/second-factor', { code: codeFor(enrolment.secret) });
    assert.deepEqual((await tokensFor(redirectParams(done, TOOL).get('code')!)).idToken.amr, ['pwd', 'otp', 'mfa']);
  });
});
