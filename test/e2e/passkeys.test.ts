import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, it } from 'node:test';
import * as client from 'openid-client';
import type { CDPSession, Page } from 'playwright-core';
import { describeEachDatabase } from '../support/databases.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { issueRecoveryCodes } from '../../src/second-factors/recovery-codes.js';
import { startTotpEnrolment, confirmTotpEnrolment } from '../../src/second-factors/totp.js';
import { TOTP, Secret } from 'otpauth';
import { chromiumSkipReason, launchChromium, screenshot, type TestChromium } from './support/chromium.js';

const skip = chromiumSkipReason();
const PHR = 'urn:trustgate:acr:phr';
const MFA = 'urn:trustgate:acr:mfa';

/**
 * Passkeys in real Chromium with the DevTools virtual authenticator (CTAP2, internal, resident keys, user
 * verification): enrol on the account page, sign in without a password, password + passkey, step-up through
 * acr_values; openid-client sees amr/acr in the ID token. Attacks: a replayed assertion, another user's
 * credential as a second factor, removing a passkey without re-authentication.
 */
describeEachDatabase('browser: passkeys (WebAuthn, virtual authenticator)', (database) => {
  let server: TestServer;
  let browser: TestChromium;
  let cdp: CDPSession;
  let callbackServer: http.Server;
  let redirectUri: string;
  let config: client.Configuration;
  let offsetMs = 0;
  const ids: { alice?: string; bob?: string; carol?: string } = {};
  const clientId = 'com.example/passkey-app';

  before(async () => {
    if (skip) return;
    server = await startTestServer({ databaseUrl: database().url, hostName: 'localhost', now: () => Date.now() + offsetMs });
    const port = await freePort();
    callbackServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('callback'));
    await new Promise<void>((resolve) => callbackServer.listen(port, '127.0.0.1', resolve));
    redirectUri = `http://127.0.0.1:${port}/callback`;
    const ctx = server.app.ctx;
    await createTestApp(ctx, { clientId, clientType: 'public', loginRedirectUris: [redirectUri], requireConsent: false, scopes: ['read'] });
    ids.alice = (await createTestUser(ctx, { login: 'alice' })).user.id;
    ids.bob = (await createTestUser(ctx, { login: 'bob' })).user.id;
    ids.carol = (await createTestUser(ctx, { login: 'carol', requireMfa: true })).user.id;
    config = await client.discovery(new URL(server.issuer), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    browser = await launchChromium();
    cdp = await browser.context.newCDPSession(browser.page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  });
  beforeEach(async () => {
    await browser?.context.clearCookies();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    callbackServer?.close();
  });

  const kind = () => database().kind;

  /** Starts a sign-in of the app in the browser; `finish` runs the pages; returns the ID token's claims. */
  async function signIn(page: Page, extra: Record<string, string>, finish: () => Promise<void>) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'openid read', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    });
    await page.goto(url.href);
    await finish();
    await page.waitForURL(`${redirectUri}?**`);
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
    return tokens.claims()!;
  }

  const password = async (page: Page, login: string) => {
    await page.fill('#login', login);
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
  };

  it('enrols a passkey on the account page (after a fresh sign-in); the store holds it', { skip }, async () => {
    const { page } = browser;
    await page.goto(`${server.issuer}/account`);
    await password(page, 'alice');
    await page.waitForURL(`${server.issuer}/account`);
    await page.fill('#passkey-name', 'Laptop key');
    await page.click('button:has-text("Add a passkey")');
    await page.waitForSelector('p.notice:has-text("was added")');
    const stored = await server.app.ctx.store.passkeys.listForUser(ids.alice!);
    assert.deepEqual(stored.map((p) => p.name), ['Laptop key']);
    assert.equal(await page.locator('li[data-passkey-name="Laptop key"]').count(), 1);
    await screenshot(page, `account-passkey-added-${kind()}`);
  });

  it('signs in without a password ("Sign in with a passkey"): amr hwk + mfa, acr phr', { skip }, async () => {
    const { page } = browser;
    const claims = await signIn(page, {}, async () => {
      await page.click('button:has-text("Sign in with a passkey")');
    });
    assert.equal(claims.sub, ids.alice);
    assert.deepEqual(claims.amr, ['hwk', 'mfa']);
    assert.equal(claims.acr, PHR);
  });

  it('password, then the passkey as second factor: amr pwd + hwk + mfa, acr phr', { skip }, async () => {
    const { page } = browser;
    const claims = await signIn(page, {}, async () => {
      await password(page, 'alice');
      await page.click('button:has-text("Use a passkey")');
    });
    assert.deepEqual(claims.amr, ['pwd', 'hwk', 'mfa']);
    assert.equal(claims.acr, PHR);
  });

  it('step-up: a session with password + recovery code (mfa) asked for acr phr uses the passkey, without a new sign-in', { skip }, async () => {
    const { page } = browser;
    const [code] = await issueRecoveryCodes(server.app.ctx, ids.alice!);
    const first = await signIn(page, {}, async () => {
      await password(page, 'alice');
      await page.fill('#code', code!);
      await page.click('button:has-text("Continue")');
    });
    assert.deepEqual(first.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(first.acr, MFA);
    const stepped = await signIn(page, { acr_values: PHR }, async () => {
      await page.waitForSelector('p.lead:has-text("asks for a passkey")');
      assert.equal(await page.locator('#code').count(), 0, 'a code does not reach phr: only the passkey is offered');
      await screenshot(page, `step-up-passkey-${kind()}`);
      await page.click('button:has-text("Use a passkey")');
    });
    assert.deepEqual(stepped.amr, ['pwd', 'otp', 'hwk', 'mfa']);
    assert.equal(stepped.acr, PHR);
    assert.equal(stepped.sid, first.sid, 'the same session, stepped up');
  });

  it('a replayed assertion (its challenge already answered) is refused', { skip }, async () => {
    const { page } = browser;
    let captured: string | undefined;
    await page.route('**/connect/interaction/*/passkey', async (route) => {
      captured = new URLSearchParams(route.request().postData() ?? '').get('response') ?? undefined;
      await route.continue();
    });
    await signIn(page, {}, async () => {
      await page.click('button:has-text("Sign in with a passkey")');
    });
    await page.unroute('**/connect/interaction/*/passkey');
    assert.ok(captured);
    await browser.context.clearCookies();
    await page.goto(client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).href);
    await page.waitForSelector('form[data-passkey]');
    const status = await postPasskeyForm(page, 'sign-in', captured!);
    assert.equal(status, 401);
    await page.waitForSelector('p.error:has-text("That passkey could not be used")');
    assert.ok(page.url().startsWith(`${server.issuer}/connect/interaction/`));
  });

  it("another user's passkey is refused as bob's second factor", { skip }, async () => {
    const ctx = server.app.ctx;
    const bob = (await ctx.store.users.getById(ids.bob!))!;
    const enrolment = await startTotpEnrolment(ctx, bob);
    const totp = new TOTP({ secret: Secret.fromBase32(enrolment.secret), digits: 6, period: 30, algorithm: 'SHA1' });
    assert.equal(await confirmTotpEnrolment(ctx, bob, enrolment.credentialId, totp.generate({ timestamp: ctx.now() })), true);
    const { page } = browser;
    await page.goto(client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).href);
    await password(page, 'bob');
    await page.waitForSelector('#code');
    // the page offers bob no passkey (and its CSP lets no script fetch); the attacker asks for options anyway,
    // with bob's cookies and CSRF token, and answers them with alice's discoverable passkey
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const base = page.url();
    const options = await (await page.request.post(`${base}/passkey-options`, { form: { csrf, purpose: 'second-factor' } })).json();
    await page.evaluate(await (await page.request.get(`${server.issuer}/assets/webauthn-browser.js`)).text());
    const answer = await page.evaluate((optionsJSON) => (window as any).SimpleWebAuthnBrowser.startAuthentication({ optionsJSON }), options);
    assert.equal(answer.response.userHandle, Buffer.from(ids.alice!).toString('base64url'), "the authenticator answered with alice's passkey");
    const reply = await page.request.post(`${base}/passkey`, { form: { csrf, purpose: 'second-factor', response: JSON.stringify(answer) }, maxRedirects: 0 });
    const status = reply.status();
    assert.match(await reply.text(), /That passkey could not be used/);
    assert.equal(status, 401);
    assert.ok(page.url().startsWith(`${server.issuer}/connect/interaction/`), 'bob is still not signed in');
  });

  it('account page: an authenticator app set up with a code computed here, then new recovery codes (each shown once)', { skip }, async () => {
    const { page } = browser;
    await page.goto(`${server.issuer}/account`);
    await password(page, 'bob');
    await page.fill('#code', new TOTP({ secret: Secret.fromBase32(await bobSecret()), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: server.app.ctx.now() + 30_000 }));
    await page.click('button:has-text("Continue")');
    await page.waitForURL(`${server.issuer}/account`);
    await page.click('button:has-text("Replace the authenticator app")');
    const secret = (await page.locator('code.secret').textContent())!.replace(/\s/g, '');
    await page.fill('#code', new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: server.app.ctx.now() }));
    await page.click('button:has-text("Turn on")');
    // bob had no recovery codes yet: they come with the app, once
    await page.waitForSelector('h1:has-text("Save your recovery codes")');
    const first = await page.locator('ul.codes li').allTextContents();
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.issuer}/account`);
    await page.waitForSelector('text=An authenticator app is set up.');
    await page.click('button:has-text("Get new recovery codes")');
    await page.waitForSelector('h1:has-text("Save your recovery codes")');
    assert.equal(await page.locator('ul.codes li').count(), 10);
    assert.equal((await page.locator('ul.codes li').allTextContents()).filter((c) => first.includes(c)).length, 0, 'a new set');
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.issuer}/account`);
    assert.equal(await page.locator('#recovery-codes').locator('text=You have 10 unused recovery codes').count(), 1);
    const events = await server.app.ctx.store.auditEvents.query({ userId: ids.bob!, action: ['second_factor_enrolled', 'recovery_codes_regenerated'] });
    assert.deepEqual(events.events.map((e) => e.action), ['recovery_codes_regenerated', 'second_factor_enrolled']);
    assert.equal(events.events[1]!.details.method, 'totp');
  });

  /** bob's TOTP secret as enrolled by the earlier test (read back from the store, as the phone holds it). */
  async function bobSecret(): Promise<string> {
    const credential = (await server.app.ctx.store.secondFactors.confirmedTotp(ids.bob!))!;
    const { openSecret } = await import('../../src/second-factors/secret-box.js');
    return openSecret(credential.secret, server.app.ctx.config.keyEncryptionSecret);
  }

  it('removing a passkey without a recent sign-in is refused: the browser is sent to sign in again, the passkey stays', { skip }, async () => {
    const { page } = browser;
    await page.goto(`${server.issuer}/account`);
    await page.click('button:has-text("Sign in with a passkey")');
    await page.waitForURL(`${server.issuer}/account`);
    await page.waitForSelector('button:has-text("Remove Laptop key")');
    offsetMs += (server.app.ctx.config.accountReauthSeconds + 60) * 1000; // the sign-in is no longer recent
    await page.click('button:has-text("Remove Laptop key")');
    await page.waitForURL(`${server.issuer}/connect/interaction/**`);
    assert.equal(await page.locator('#password').count(), 1, 'the sign-in page, not a removal');
    assert.equal((await server.app.ctx.store.passkeys.listForUser(ids.alice!)).length, 1);
    const refusals = await server.app.ctx.store.auditEvents.query({ userId: ids.alice!, action: 'account_change_refused' });
    assert.equal(refusals.events[0]?.reason, 'reauthentication_required', 'the refusal is in the audit trail');
    // after signing in again (with the passkey) the removal works
    await page.click('button:has-text("Sign in with a passkey")');
    await page.waitForURL(`${server.issuer}/account`);
    await page.click('button:has-text("Remove Laptop key")');
    await page.waitForSelector('p.notice:has-text("was removed")');
    assert.equal((await server.app.ctx.store.passkeys.listForUser(ids.alice!)).length, 0);
    const trail = await server.app.ctx.store.auditEvents.query({ userId: ids.alice!, action: ['passkey_added', 'passkey_removed'] });
    assert.deepEqual(trail.events.map((e) => [e.action, e.details.name]), [['passkey_removed', 'Laptop key'], ['passkey_added', 'Laptop key']]);
  });

  // last: from here on the authenticator holds two discoverable passkeys (alice's and carol's)
  it('a user who must use a second factor and has none is offered a passkey at sign-in: created, recovery codes once, then the app', { skip }, async () => {
    const { page } = browser;
    const claims = await signIn(page, {}, async () => {
      await password(page, 'carol');
      await page.waitForSelector('h1:has-text("Set up an authenticator app")');
      await screenshot(page, `enrol-choice-${kind()}`);
      await page.click('button:has-text("Create a passkey")');
      await page.waitForSelector('h1:has-text("Save your recovery codes")');
      assert.equal(await page.locator('ul.codes li').count(), 10);
      // carol has a passkey and no authenticator app: the codes stand in for the passkey, not for an app
      assert.match((await page.locator('p.lead').textContent())!, /^If you cannot use your passkey/);
      await page.click('button[type=submit]');
    });
    assert.deepEqual(claims.amr, ['pwd', 'hwk', 'mfa']);
    assert.equal(claims.acr, PHR);
    assert.equal((await server.app.ctx.store.passkeys.listForUser(ids.carol!)).length, 1);
  });
});

/** Submits the page's passkey form with a given response (as the browser would) and returns the HTTP status. */
async function postPasskeyForm(page: Page, purpose: string, response: string): Promise<number> {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/passkey') && r.request().method() === 'POST'),
    page.evaluate(
      ({ purpose, response }) => {
        const form = document.querySelector('form[data-passkey]') as HTMLFormElement;
        (form.elements.namedItem('purpose') as HTMLInputElement).value = purpose;
        (form.elements.namedItem('response') as HTMLInputElement).value = response;
        form.submit();
      },
      { purpose, response },
    ),
  ]);
  await page.waitForLoadState();
  return answer.status();
}
