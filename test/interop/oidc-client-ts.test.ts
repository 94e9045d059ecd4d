// Interop: the example SPA is built on oidc-client-ts (the widely used browser OIDC library) and runs
// unmodified in Chromium against Trustgate: discovery, code flow + PKCE, userinfo (CORS), the API
// call, renewal with the rotating refresh token, and sign-out with token revocation.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { chromiumSkipReason, launchChromium, screenshot, type TestChromium } from '../e2e/support/chromium.js';
import { PASSWORD, startAppsEnvironment, type AppsEnvironment } from '../e2e/support/environment.js';

const skip = chromiumSkipReason();

interface StoredUser {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  profile: { sub: string; name?: string };
}

describeEachDatabase('interop: oidc-client-ts SPA in Chromium', (database) => {
  let env: AppsEnvironment;
  let browser: TestChromium;
  before(async () => {
    if (skip) return;
    // 60 s access tokens, renewed 10 s before they expire; the browser's clock is Playwright's, moved
    // forward together with the server's so the tokens really expire
    env = await startAppsEnvironment({ databaseUrl: database().url, accessTokenLifetime: 60, spaRenewBeforeSeconds: 10 });
    browser = await launchChromium();
    await browser.context.clock.install();
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

  it('signs in with PKCE, calls the API from the browser, renews with the rotating refresh token, signs out', { skip }, async () => {
    const { page } = browser;
    const authorizeRequests: URL[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${env.server.issuer}/connect/authorize`)) authorizeRequests.push(new URL(request.url()));
    });
    await page.goto(env.spa.url);
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.locator('#signed-out h1').textContent(), 'You are not signed in');
    await page.click('#sign-in');

    await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    assert.equal(await page.locator('h1').textContent(), 'Sign in to Example SPA');
    const authorize = authorizeRequests[0]!;
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(authorize.searchParams.get('state'));
    assert.equal(authorize.searchParams.get('redirect_uri'), `${env.spa.url}/callback`);
    await page.fill('#login', 'carl');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.click('button[value=allow]');

    await page.waitForURL(`${env.spa.url}/`);
    await page.waitForSelector('#signed-in:not([hidden])');
    assert.equal(await page.locator('#user-name').textContent(), 'Carl Community');
    await page.waitForFunction(() => document.getElementById('api-status')?.textContent?.startsWith('API data loaded'));
    const me = JSON.parse((await page.locator('#me').textContent()) ?? '{}') as { clientId: string; userKind: string };
    assert.equal(me.clientId, env.ids.spa);
    assert.equal(me.userKind, 'community');

    const first = await storedUser();
    assert.ok(first?.refresh_token, 'offline_access gave the SPA a refresh token');
    assert.ok(first.id_token);

    // nothing is renewed while the access token is fresh
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await page.locator('#refresh-count').textContent(), '0');

    // 100 s later (browser, Trustgate and API clocks) the access token has expired: oidc-client-ts
    // renews it with the refresh token and gets a new access token AND a new refresh token
    env.clock.advance(100);
    await browser.context.clock.fastForward(100_000);
    await page.waitForFunction(() => Number(document.getElementById('refresh-count')?.textContent) >= 1, undefined, { timeout: 15_000 });
    const expired = await fetch(`${env.api.url}/api/me`, { headers: { authorization: `Bearer ${first.access_token}` } });
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error_description: string }).error_description, 'the access token has expired');
    const renewed = await storedUser();
    assert.ok(renewed?.refresh_token);
    assert.notEqual(renewed.refresh_token, first.refresh_token, 'the refresh token rotated');
    assert.notEqual(renewed.access_token, first.access_token);
    assert.equal(renewed.profile.sub, first.profile.sub);
    await page.waitForFunction(() => document.getElementById('api-status')?.textContent?.startsWith('API data loaded'));

    // the API accepts the renewed token
    const res = await fetch(`${env.api.url}/api/me`, { headers: { authorization: `Bearer ${renewed.access_token}` } });
    assert.equal(res.status, 200);

    // the superseded refresh token no longer works once the reuse grace window (30 s) is over
    env.clock.advance(31);
    const reuse = await fetch(`${env.server.issuer}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: env.ids.spa }),
    });
    assert.equal(reuse.status, 400);
    const reuseBody = (await reuse.json()) as { error: string; error_description: string };
    assert.equal(reuseBody.error, 'invalid_grant');
    assert.match(reuseBody.error_description, /^refresh token is expired or invalid/);

    // reuse revoked the whole family (RFC 9700): the SPA's next renewal fails and says so
    env.clock.advance(100);
    await browser.context.clock.fastForward(100_000);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Could not renew the access token'), undefined, { timeout: 15_000 });

    // sign out: oidc-client-ts revokes its tokens and goes through /connect/endsession
    await page.click('#sign-out');
    await page.waitForURL(`${env.spa.url}/`);
    await page.waitForSelector('body[data-ready=true]');
    await page.waitForSelector('#signed-out:not([hidden])');
    assert.equal(await page.locator('#status').textContent(), 'You are signed out');
    assert.equal(await storedUser(), undefined, 'no tokens left in the browser');
    await screenshot(page, `spa-signed-out-${database().kind}`);
  });

  it('consent denied: oidc-client-ts surfaces access_denied from the callback', { skip }, async () => {
    const { page, context } = browser;
    await context.clearCookies();
    await page.goto(env.spa.url);
    await page.waitForSelector('body[data-ready=true]');
    await page.click('#sign-in');
    await page.waitForURL(`${env.server.issuer}/connect/interaction/**`);
    await page.fill('#login', 'alice');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.click('button[value=deny]');
    await page.waitForURL(`${env.spa.url}/`);
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.locator('#status').textContent(), 'Sign-in did not complete: access_denied: the user denied the request');
    await page.waitForSelector('#signed-out:not([hidden])');
    assert.equal(await storedUser(), undefined);
  });
});
