import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { runNativeApp } from '../../examples/native/native-app.js';
import { chromiumSkipReason, launchChromium, type TestChromium } from './support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from './support/environment.js';

const skip = chromiumSkipReason();

describeEachDatabase('browser: the example native app (RFC 8252 loopback) completed in Chromium', (database) => {
  let env: AppsEnvironment;
  let browser: TestChromium;
  before(async () => {
    if (skip) return;
    env = await startAppsEnvironment({ databaseUrl: database().url });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  it('the browser signs in and lands on the app\'s loopback listener; the app calls the API', { skip }, async () => {
    const { page } = browser;
    const printed: string[] = [];
    let redirectUri = '';
    const result = await runNativeApp({
      issuer: env.server.issuer,
      clientId: env.ids.native,
      apiUrl: env.api.url,
      print: (line) => printed.push(line),
      timeoutMs: 30_000,
      openBrowser: async (url) => {
        redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
        await page.goto(url);
        await page.fill('#login', 'alice');
        await page.fill('#password', PASSWORD);
        await page.click('button[type=submit]:has-text("Sign in")');
        await page.click('button[value=allow]');
      },
    });
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.notEqual(new URL(redirectUri).port, '80');
    await page.waitForURL(`${redirectUri}?**`);
    assert.equal(await page.locator('#status').textContent(), 'Signed in');
    assert.equal(result.user.login, 'alice');
    assert.equal((result.me as { clientId: string }).clientId, env.ids.native);
    assert.ok(printed.some((line) => line.startsWith(`${env.server.issuer}/connect/authorize?`)));
    assert.ok(printed.includes('Signed in as alice.'));
  });
});
