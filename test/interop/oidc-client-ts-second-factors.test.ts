// Interop: the example SPA (oidc-client-ts) in Chromium sees what the sign-in really was. Password +
// TOTP (a code computed here with otpauth) gives amr pwd otp mfa and acr mfa in its User profile; the SPA
// then asks for acr_values=urn:trustgate:acr:phr (signinRedirect) and the same session is stepped up
// with a passkey from the DevTools virtual authenticator: amr gains hwk, acr is phr.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { CDPSession } from 'playwright-core';
import { TOTP, Secret } from 'otpauth';
import { describeEachDatabase } from '../support/databases.js';
import { createTestUser } from '../support/fixtures.js';
import { startTotpEnrolment, confirmTotpEnrolment } from '../../src/second-factors/totp.js';
import { chromiumSkipReason, launchChromium, screenshot, type TestChromium } from '../e2e/support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from '../e2e/support/environment.js';

const skip = chromiumSkipReason();
const MFA = 'urn:trustgate:acr:mfa';
const PHR = 'urn:trustgate:acr:phr';

interface StoredUser {
  id_token?: string;
  profile: { sub: string; amr?: string[]; acr?: string; sid?: string };
}

describeEachDatabase('interop: oidc-client-ts sees amr/acr of password + TOTP and of a passkey step-up', (database) => {
  let env: AppsEnvironment;
  let browser: TestChromium;
  let cdp: CDPSession;
  let userId: string;
  let totpSecret: string;
  let firstSid: string | undefined;

  before(async () => {
    if (skip) return;
    // WebAuthn needs a secure context: the issuer is on localhost (the SPA stays on 127.0.0.1)
    env = await startAppsEnvironment({ databaseUrl: database().url, hostName: 'localhost' });
    const ctx = env.server.app.ctx;
    const { user } = await createTestUser(ctx, { login: 'dora', displayName: 'Dora Double', kind: 'community' });
    userId = user.id;
    const enrolment = await startTotpEnrolment(ctx, user);
    totpSecret = enrolment.secret;
    const totp = new TOTP({ secret: Secret.fromBase32(totpSecret), digits: 6, period: 30, algorithm: 'SHA1' });
    // enrolment uses the current period's code; the sign-in below uses the next one (a code is used once)
    assert.equal(await confirmTotpEnrolment(ctx, user, enrolment.credentialId, totp.generate({ timestamp: ctx.now() })), true);
    browser = await launchChromium();
    cdp = await browser.context.newCDPSession(browser.page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  const storedUser = async (): Promise<StoredUser | undefined> => {
    const raw = await browser.page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
      return key ? sessionStorage.getItem(key) : null;
    });
    return raw ? (JSON.parse(raw) as StoredUser) : undefined;
  };

  it('password + TOTP: the User profile has amr pwd otp mfa and acr mfa', { skip }, async () => {
    const { page } = browser;
    await page.goto(env.spa.url);
    await page.waitForSelector('body[data-ready=true]');
    await page.click('#sign-in');
    await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    await page.fill('#login', 'dora');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.waitForSelector('#code');
    const totp = new TOTP({ secret: Secret.fromBase32(totpSecret), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.fill('#code', totp.generate({ timestamp: env.server.app.ctx.now() + 30_000 }));
    await page.click('button:has-text("Continue")');
    await page.click('button[value=allow]');

    await page.waitForURL(`${env.spa.url}/`);
    await page.waitForSelector('#signed-in:not([hidden])');
    const user = await storedUser();
    assert.equal(user?.profile.sub, userId);
    assert.deepEqual(user.profile.amr, ['pwd', 'otp', 'mfa']);
    assert.equal(user.profile.acr, MFA);
    assert.equal(await page.locator('#amr').textContent(), 'pwd otp mfa');
    assert.equal(await page.locator('#acr').textContent(), MFA);
    firstSid = user.profile.sid;
    assert.ok(firstSid);
  });

  it('acr_values=phr through signinRedirect: the session is stepped up with a passkey; amr gains hwk, acr phr', { skip }, async () => {
    const { page } = browser;
    // dora adds a passkey on the account page (her sign-in above is recent: no re-authentication)
    await page.goto(`${env.server.issuer}/account`);
    await page.fill('#passkey-name', 'Laptop key');
    await page.click('button:has-text("Add a passkey")');
    await page.waitForSelector('p.notice:has-text("was added")');

    await page.goto(`${env.spa.url}/?acr_values=${encodeURIComponent(PHR)}`);
    await page.waitForSelector('body[data-ready=true]');
    // the SPA still holds the mfa user; signing in again asks for the stronger level
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${env.server.issuer}/connect/authorize`));
    await page.click('#sign-in');
    assert.equal(new URL((await authorize).url()).searchParams.get('acr_values'), PHR);
    await page.waitForSelector('p.lead:has-text("asks for a passkey")');
    assert.equal(await page.locator('#password').count(), 0, 'a step-up, not a new sign-in');
    await screenshot(page, `spa-step-up-passkey-${database().kind}`);
    await page.click('button:has-text("Use a passkey")');
    // dora allowed the SPA at her first sign-in: no consent page this time
    await page.waitForURL(`${env.spa.url}/`);
    await page.waitForSelector('#signed-in:not([hidden])');
    const user = await storedUser();
    assert.equal(user?.profile.sub, userId);
    assert.deepEqual(user.profile.amr, ['pwd', 'otp', 'hwk', 'mfa']);
    assert.equal(user.profile.acr, PHR);
    assert.equal(await page.locator('#acr').textContent(), PHR);
    assert.equal(user.profile.sid, firstSid, 'the same Trustgate session, stepped up');
  });
});
