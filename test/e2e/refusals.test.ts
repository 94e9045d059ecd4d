import assert from 'node:assert/strict';
import { after, before, beforeEach, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { AppService } from '../../src/admin/app-service.js';
import { chromiumSkipReason, launchChromium, screenshot, type TestChromium } from './support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from './support/environment.js';

const skip = chromiumSkipReason();

describeEachDatabase('browser: refusals reach the user and the app correctly', (database) => {
  let env: AppsEnvironment;
  let browser: TestChromium;
  before(async () => {
    if (skip) return;
    env = await startAppsEnvironment({ databaseUrl: database().url });
    browser = await launchChromium();
  });
  beforeEach(async () => {
    await browser?.context.clearCookies();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  const startSignIn = async () => {
    const { page } = browser;
    await page.goto(`${env.webApp.url}/login`);
    await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    return page;
  };
  const kind = () => database().kind;

  it('wrong password: the login page says so and nothing goes back to the app', { skip }, async () => {
    const page = await startSignIn();
    await page.fill('#login', 'alice');
    await page.fill('#password', 'not the password at all');
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.waitForSelector('#login-error');
    assert.equal(await page.locator('#login-error').textContent(), 'Invalid login or password.');
    assert.ok(page.url().startsWith(`${env.server.issuer}/connect/interaction/`));
    assert.equal(await page.locator('#login').inputValue(), 'alice', 'the login is kept, the password is not');
    assert.equal(await page.locator('#password').inputValue(), '');
    await screenshot(page, `login-error-${kind()}`);
  });

  it('consent denied: the app receives access_denied and shows it', { skip }, async () => {
    const page = await startSignIn();
    await page.fill('#login', 'alice');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.click('button[value=deny]');
    await page.waitForURL(`${env.webApp.url}/callback?**`);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('iss'), env.server.issuer);
    assert.equal(await page.locator('#status').textContent(), 'Sign-in did not complete: access_denied');
    await screenshot(page, `app-access-denied-${kind()}`);
  });

  it('a user kind the app does not allow: a clear page, then access_denied at the app', { skip }, async () => {
    const page = await startSignIn();
    await page.fill('#login', 'carl'); // community user; the web app admits internal users only
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.waitForSelector('h1:has-text("You cannot sign in to Example Web App")');
    await screenshot(page, `user-kind-refused-${kind()}`);
    await page.click('button:has-text("Return to Example Web App")');
    await page.waitForURL(`${env.webApp.url}/callback?**`);
    assert.equal(new URL(page.url()).searchParams.get('error'), 'access_denied');
    assert.equal(await page.locator('#status').textContent(), 'Sign-in did not complete: access_denied');
  });

  it('an unregistered redirect URI: Trustgate\'s error page, never a redirect', { skip }, async () => {
    const { page } = browser;
    const url = new URL(`${env.server.issuer}/connect/authorize`);
    url.search = new URLSearchParams({
      client_id: env.ids.webApp,
      response_type: 'code',
      redirect_uri: 'https://evil.example.com/callback',
      scope: 'openid read',
      state: 's',
    }).toString();
    const response = await page.goto(url.href);
    assert.equal(response?.status(), 400);
    assert.equal(new URL(page.url()).origin, new URL(env.server.issuer).origin);
    assert.equal(await page.locator('.error-code code').textContent(), 'invalid_redirect_uri');
    await screenshot(page, `error-${kind()}`);
  });

  it('a disabled app: Trustgate shows unauthorized_client and does not return to the app', { skip }, async () => {
    await new AppService(env.server.app.ctx).disable(env.ids.webApp);
    try {
      const { page } = browser;
      const response = await page.goto(`${env.webApp.url}/login`);
      assert.ok(page.url().startsWith(`${env.server.issuer}/connect/authorize?`));
      assert.equal(response?.status(), 400);
      assert.equal(await page.locator('.error-code code').textContent(), 'unauthorized_client');
      assert.match(await page.locator('.error-description').textContent() ?? '', /disabled/);
      await screenshot(page, `error-disabled-app-${kind()}`);
    } finally {
      await new AppService(env.server.app.ctx).enable(env.ids.webApp);
    }
  });
});
