// Two tabs of the example SPA (oidc-client-ts) share their token storage (TOKEN_STORAGE=local) and
// renew with the same refresh token at the same moment: with the reuse grace window both stay signed
// in. The refresh token they raced with, replayed after the window, revokes the sign-in.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { describeEachDatabase } from '../support/databases.js';
import { chromiumSkipReason, launchChromium, type TestChromium } from '../e2e/support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from '../e2e/support/environment.js';

const skip = chromiumSkipReason();

interface StoredUser {
  access_token: string;
  refresh_token?: string;
}

describeEachDatabase('interop: two tabs of the oidc-client-ts SPA renewing at the same moment', (database) => {
  let env: AppsEnvironment;
  let browser: TestChromium;
  before(async () => {
    if (skip) return;
    env = await startAppsEnvironment({ databaseUrl: database().url, spaTokenStorage: 'local' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
  });

  const storedUser = async (page: Page): Promise<StoredUser | undefined> => {
    const raw = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('oidc.user:'));
      return key ? localStorage.getItem(key) : null;
    });
    return raw ? (JSON.parse(raw) as StoredUser) : undefined;
  };
  const apiLoaded = (page: Page) =>
    page.waitForFunction(() => document.getElementById('api-status')?.textContent?.startsWith('API data loaded'));
  const refreshCount = async (page: Page) => Number(await page.locator('#refresh-count').textContent());
  /** renews in `page` ("Renew the token now": signinSilent with the refresh token) and waits for the new tokens */
  async function renew(page: Page): Promise<void> {
    const before = await refreshCount(page);
    await page.click('#renew');
    await page.waitForFunction((n) => Number(document.getElementById('refresh-count')?.textContent) > n, before);
  }

  it('both tabs renew with the same refresh token at once and stay signed in; a replay after the window signs both out', { skip }, async () => {
    const { context, page: tab1 } = browser;
    await tab1.goto(env.spa.url);
    await tab1.waitForSelector('body[data-ready=true]');
    await tab1.click('#sign-in');
    await tab1.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    await tab1.fill('#login', 'carl');
    await tab1.fill('#password', PASSWORD);
    await tab1.click('button[type=submit]:has-text("Sign in")');
    await tab1.click('button[value=allow]');
    await tab1.waitForURL(`${env.spa.url}/`);
    await apiLoaded(tab1);

    // the second tab finds the sign-in in the shared storage
    const tab2 = await context.newPage();
    await tab2.goto(env.spa.url);
    await tab2.waitForSelector('#signed-in:not([hidden])');
    await apiLoaded(tab2);
    const shared = await storedUser(tab1);
    assert.ok(shared?.refresh_token);
    assert.equal((await storedUser(tab2))?.refresh_token, shared.refresh_token);

    // "at the same moment": the token endpoint receives neither request until both tabs have sent theirs,
    // so both read the same refresh token from the storage before either stored a new one
    const tokenUrl = `${env.server.issuer}/connect/token`;
    const raced: Array<{ refreshToken: string | null; status: number }> = [];
    let release!: () => void;
    const bothSent = new Promise<void>((resolve) => (release = resolve));
    let waiting = 0;
    const barrier = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue();
      waiting += 1;
      if (waiting === 2) release();
      await bothSent;
      const response = await route.fetch();
      raced.push({ refreshToken: new URLSearchParams(route.request().postData() ?? '').get('refresh_token'), status: response.status() });
      await route.fulfill({ response });
    };
    await context.route(tokenUrl, barrier);
    await Promise.all([renew(tab1), renew(tab2)]);
    await context.unroute(tokenUrl, barrier);

    assert.equal(raced.length, 2);
    assert.deepEqual(raced.map((r) => r.refreshToken), [shared.refresh_token, shared.refresh_token], 'both tabs presented the same refresh token');
    assert.deepEqual(raced.map((r) => r.status), [200, 200], 'both refreshes succeeded (the second within the reuse grace window)');
    for (const tab of [tab1, tab2]) {
      await apiLoaded(tab);
      assert.equal(await tab.locator('#status').getAttribute('class'), 'muted', 'no renewal error');
    }
    const afterRace = await storedUser(tab1);
    assert.ok(afterRace?.refresh_token);
    assert.notEqual(afterRace.refresh_token, shared.refresh_token);

    // both tabs stay signed in: each renews again from whatever token the storage holds now
    await renew(tab1);
    await renew(tab2);
    for (const tab of [tab1, tab2]) {
      await tab.click('#reload');
      await apiLoaded(tab);
      assert.equal(await tab.locator('#status').getAttribute('class'), 'muted');
    }

    // the refresh token of the race, replayed after the window (30 s): a reuse, the sign-in is revoked
    env.clock.advance(31);
    const replay = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: shared.refresh_token, client_id: env.ids.spa }),
    });
    assert.equal(replay.status, 400);
    assert.deepEqual(await replay.json(), {
      error: 'invalid_grant',
      error_description: 'refresh token is expired or invalid: the refresh token was already used; every token of this sign-in is now revoked, sign the user in again',
    });
    // neither tab can renew any more: the token in the shared storage belonged to the revoked sign-in
    for (const tab of [tab1, tab2]) {
      await tab.click('#renew');
      await tab.waitForFunction(() => document.getElementById('status')?.className === 'error');
      assert.match(await tab.locator('#status').textContent() ?? '', /refresh token is expired or invalid/);
    }
  });
});
