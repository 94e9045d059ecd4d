import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { describeEachDatabase, testKeyEnv } from '../support/databases.js';
import { freePort } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { chromiumSkipReason, launchChromium, screenshot, type TestChromium } from './support/chromium.js';

const skip = chromiumSkipReason();

/** The web console in real Chromium: an administrator signs in through the sign-in pages and manages apps, users and keys. */
describeEachDatabase('browser: the web console', (database) => {
  let running: RunningApp;
  let issuer = '';
  let browser: TestChromium;
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    if (skip) return;
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/id`;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({
      LOG_LEVEL: 'info',
      ISSUER_URL: issuer,
      DATABASE_URL: database().url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_ITERATIONS: '1',
      INSTANCE_NAME: 'Acme ERP',
      ...testKeyEnv(database().url),
    });
    running = await createApp(config, { log: pino({ level: 'info' }, sink) });
    await running.server.listen({ port, host: '127.0.0.1' });
    await createTestUser(running.ctx, { login: 'root', displayName: 'Root Admin', isAdmin: true });
    await createTestUser(running.ctx, { login: 'alice', displayName: 'Alice Anders' });
    await createTestApp(running.ctx, { clientId: 'portal.app', displayName: 'Portal' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
  });

  /** The stored audit event of an administrative change, with its actor (and the log line written beside it). */
  const audited = async (action: string, match: Record<string, unknown>) => {
    const { events } = await running.ctx.store.auditEvents.query({ action, limit: 10 });
    const event = events.find((e) => Object.entries(match).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v));
    const line = logLines.find((l) => l.audit === true && l.event === action);
    return event !== undefined && line !== undefined;
  };

  it('a user who is not an administrator signs in and is refused, then and on every later visit', { skip }, async () => {
    const { page } = browser;
    try {
      await page.goto(`${issuer}/admin/`);
      await page.waitForURL(`${issuer}/connect/interaction/**`);
      await page.fill('#login', 'alice');
      await page.fill('#password', TEST_PASSWORD);
      await page.click('button[type=submit]:has-text("Sign in")');
      await page.waitForSelector('h1:has-text("Sign-in not completed")');
      assert.match((await page.locator('main').textContent())!, /only granted to administrators/);
      await screenshot(page, `console-not-admin-${database().kind}`);
      // signed in (the SSO session exists), still no console
      await page.goto(`${issuer}/admin/apps`);
      await page.waitForSelector('h1:has-text("Administrators only")');
      assert.equal(await page.locator('table').count(), 0);
    } finally {
      await browser.context.clearCookies();
    }
  });

  it('an administrator signs in, creates an app, rotates its secret, disables a user, rotates keys; each change is audited with its actor', { skip }, async () => {
    const { page } = browser;
    const root = (await running.ctx.store.users.getByLogin('root'))!;
    const actor = `user:${root.id}`;
    await page.goto(`${issuer}/admin/`);
    await page.waitForURL(`${issuer}/connect/interaction/**`);
    await page.fill('#login', 'root');
    await page.fill('#password', TEST_PASSWORD);
    await page.click('button[type=submit]:has-text("Sign in")');
    await page.waitForURL(`${issuer}/admin/apps`);
    assert.ok(await page.locator('td >> text=portal.app').count());

    // create an app: the secret is shown once
    await page.getByLabel('ApplicationUri').fill('https://crm.example.com');
    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByLabel('Login redirect URIs').fill('https://crm.example.com/callback');
    await page.getByLabel('API scopes').fill('read');
    await page.click('button:has-text("Register app")');
    await page.waitForSelector('h1:has-text("CRM")');
    const firstSecret = (await page.locator('#new-secret').textContent())!;
    assert.match(firstSecret, /^[\w-]{43}$/);
    assert.ok(await audited('app_created', { actor, clientId: 'https://crm.example.com' }));
    await screenshot(page, `console-app-created-${database().kind}`);

    // rotate: add a new secret (shown once), then revoke the old one
    await page.click('button:has-text("Add a new secret (rotate)")');
    await page.waitForSelector('.notice:has-text("added")');
    const secondSecret = (await page.locator('#new-secret').textContent())!;
    assert.notEqual(secondSecret, firstSecret);
    const secrets = await running.ctx.store.apps.listSecrets('https://crm.example.com');
    const oldId = secrets.find((s) => s.createdAt === Math.min(...secrets.map((x) => x.createdAt)))!.id;
    await page.click(`button:has-text("Revoke secret ${oldId.slice(0, 8)}")`);
    await page.waitForSelector('.notice:has-text("revoked")');
    assert.equal(await page.locator('#new-secret').count(), 0, 'secret values are never shown again');
    assert.ok(!(await page.content()).includes(firstSecret));
    assert.ok(await audited('app_secret_added', { actor, clientId: 'https://crm.example.com' }));
    assert.ok(await audited('app_secret_revoked', { actor, clientId: 'https://crm.example.com', targetId: oldId }));

    // disable the app (the kill switch)
    await page.click('button:has-text("Disable app")');
    await page.waitForSelector('.notice:has-text("disabled")');
    assert.equal((await running.ctx.store.apps.get('https://crm.example.com'))!.enabled, false);
    assert.ok(await audited('app_disabled', { actor, clientId: 'https://crm.example.com' }));

    // disable a user, from the users list (keyboard: focus the link and press Enter)
    await page.click('nav >> text=Users');
    await page.waitForURL(`${issuer}/admin/users`);
    await page.locator('a:has-text("alice")').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1:has-text("Alice Anders")');
    await page.click('button:has-text("Disable user")');
    await page.waitForSelector('.notice:has-text("is disabled")');
    const alice = (await running.ctx.store.users.getByLogin('alice'))!;
    assert.equal(alice.enabled, false);
    assert.ok(await audited('user_disabled', { actor, userId: alice.id }));
    await screenshot(page, `console-user-disabled-${database().kind}`);

    // keys: list and rotate
    await page.click('nav >> text=Signing keys');
    await page.click('button:has-text("Rotate signing keys")');
    await page.waitForSelector('.notice:has-text("Rotated")');
    assert.ok(await audited('keys_rotated', { actor }));

    // the audit trail page: filtered by this administrator, every change is there
    await page.click('nav >> text=Audit trail');
    await page.getByLabel('Actor (e.g. user:<id>, cli:ops, system)').fill(actor);
    await page.click('button:has-text("Show events")');
    await page.waitForSelector('caption:has-text("Audit events")');
    const trail = (await page.locator('table').textContent())!;
    for (const action of ['app_created', 'app_secret_added', 'app_secret_revoked', 'app_disabled', 'user_disabled', 'keys_rotated']) {
      assert.ok(trail.includes(action), `${action} is on the audit trail page`);
    }
    assert.ok(!trail.includes(firstSecret) && !trail.includes(secondSecret), 'no secret on the audit trail');
    await page.getByLabel('Action (e.g. app_created)').fill('user_disabled');
    await page.click('button:has-text("Show events")');
    await page.waitForSelector('caption:has-text("Audit events (1,")');
    assert.ok((await page.locator('tbody').textContent())!.includes(alice.id));
    await screenshot(page, `console-audit-${database().kind}`);

    // the failure trail of an app: a sign-in with an unregistered redirect URI, and why it failed
    await fetch(`${issuer}/connect/authorize?${new URLSearchParams({ client_id: 'portal.app', redirect_uri: 'https://portal.example.com/wrong', response_type: 'code', scope: 'openid', state: 's' })}`);
    await page.goto(`${issuer}/admin/apps/portal.app`);
    await page.click('a:has-text("Failure trail")');
    await page.waitForSelector('h1:has-text("Failure trail")');
    assert.match((await page.locator('tbody').textContent())!, /https:\/\/portal\.example\.com\/wrong/);
    await screenshot(page, `console-failures-${database().kind}`);
  });

  it('a form without the session\'s CSRF token changes nothing', { skip }, async () => {
    const { page } = browser;
    const answer = await page.request.post(`${issuer}/admin/users/alice/enable`, { form: { csrf: 'forged' } });
    assert.equal(answer.status(), 403);
    assert.equal((await running.ctx.store.users.getByLogin('alice'))!.enabled, false);
  });
});
