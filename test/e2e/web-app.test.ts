import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { chromiumSkipReason, launchChromium, screenshot, type TestChromium } from './support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from './support/environment.js';

const skip = chromiumSkipReason();

describeEachDatabase('browser: the example web app (confidential, openid-client) in Chromium', (database) => {
  let env: AppsEnvironment;
  let browser: TestChromium;
  before(async () => {
    if (skip) return;
    env = await startAppsEnvironment({ databaseUrl: database().url, accessTokenLifetime: 60 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  it('signs in through the real login and consent pages, shows API data, renews an expired token, signs out', { skip }, async () => {
    const { page } = browser;
    const kind = database().kind;
    await page.goto(env.webApp.url);
    assert.equal(await page.locator('#status').textContent(), 'You are not signed in');
    await page.click('#sign-in');

    // Trustgate's login page, under the issuer path
    await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    assert.equal(await page.locator('h1').textContent(), 'Sign in to Example Web App');
    await screenshot(page, `login-${kind}`);
    await page.fill('#login', 'alice');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');

    // consent page: the scopes in plain words
    await page.waitForSelector('button[value=allow]');
    assert.match(await page.locator('h1').textContent() ?? '', /Allow Example Web App to access your account\?/);
    const consentText = await page.locator('main').textContent();
    assert.match(consentText ?? '', /Read your ERP data/);
    assert.match(consentText ?? '', /Change your ERP data/);
    await screenshot(page, `consent-${kind}`);
    await page.click('button[value=allow]');

    // back at the app: the user's name and data from the ERP API
    await page.waitForURL(`${env.webApp.url}/`);
    assert.equal(await page.locator('#user-name').textContent(), 'Alice Anders');
    assert.equal(await page.locator('#user-login').textContent(), 'alice');
    assert.equal(await page.locator('#orders').textContent(), 'You have no sales orders yet.');
    const me = JSON.parse((await page.locator('#me').textContent()) ?? '{}') as { clientId: string; userKind: string; scopes: string[] };
    assert.equal(me.clientId, env.ids.webApp);
    assert.equal(me.userKind, 'internal');
    assert.ok(me.scopes.includes('update'));
    assert.equal(await page.locator('#refresh-count').textContent(), '0');

    // POST through the app (scope update): the order shows up
    await page.click('#create-order');
    await page.waitForURL(`${env.webApp.url}/`);
    assert.match(await page.locator('#orders').textContent() ?? '', /SO-\d{5}.*Sample order from the web app/);

    // the access token expires (60 s lifetime): the next page view renews it with the refresh token
    env.clock.advance(90);
    await page.reload();
    assert.equal(await page.locator('#refresh-count').textContent(), '1');
    assert.match(await page.locator('#orders').textContent() ?? '', /Sample order from the web app/);
    env.clock.advance(90);
    await page.reload();
    assert.equal(await page.locator('#refresh-count').textContent(), '2', 'the rotated refresh token was kept and works again');

    // sign out: through /connect/endsession with id_token_hint, back to the registered logout URI
    await page.click('#sign-out');
    await page.waitForURL(`${env.webApp.url}/signed-out**`);
    assert.equal(await page.locator('#status').textContent(), 'You are signed out');
    await screenshot(page, `app-signed-out-${kind}`);

    // the SSO session at Trustgate ended too: signing in again shows the login page
    await page.click('#sign-in');
    await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    assert.equal(await page.locator('h1').textContent(), 'Sign in to Example Web App');
  });

  it('Trustgate shows its own signed-out page when no app is named', { skip }, async () => {
    const { page } = browser;
    await page.goto(`${env.server.issuer}/connect/endsession`);
    assert.equal(await page.locator('h1').textContent(), 'You are signed out');
    await screenshot(page, `signed-out-${database().kind}`);
  });
});
