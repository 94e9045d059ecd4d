import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { describeEachDatabase, testKeyEnv } from '../support/databases.js';
import { freePort } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { UserService } from '../../src/admin/user-service.js';
import { ReferenceTokenService } from '../../src/admin/reference-token-service.js';
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

  it('the console speaks the language of the catalogue: German by Accept-Language, the administrator\'s own locale first, else English', { skip }, async () => {
    const { page } = browser;
    const root = (await running.ctx.store.users.getByLogin('root'))!;
    try {
      // the browser asks for German (the administrator has no locale of their own): every console text is German
      await page.setExtraHTTPHeaders({ 'Accept-Language': 'de-CH, de;q=0.9, en;q=0.5' });
      await page.goto(`${issuer}/admin/apps`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      assert.equal(await page.locator('nav[aria-label="Konsole"] >> text=Benutzer').count(), 1);
      assert.ok(await page.locator('caption:has-text("Registrierte Apps")').count());
      assert.ok(await page.locator('h2:has-text("App registrieren")').count());
      assert.ok(await page.locator('th:has-text("Zustand")').count());
      assert.equal(await page.locator('text=Register an app').count(), 0, 'no English left on the page');

      // a change in German: registering an app, the notice and the secret warning are German
      await page.getByLabel('ApplicationUri (client_id)').fill('https://hr.example.com');
      await page.getByLabel('Anzeigename', { exact: true }).fill('HR');
      await page.getByLabel('Weiterleitungs-URIs nach der Anmeldung').fill('https://hr.example.com/callback');
      await page.click('button:has-text("App registrieren")');
      await page.waitForSelector('.notice:has-text("App https://hr.example.com registriert.")');
      assert.ok(await page.locator('strong:has-text("wird nur dieses eine Mal angezeigt")').count());
      assert.ok(await page.locator('h2:has-text("Client-Geheimnisse")').count());
      assert.ok(await page.locator('button:has-text("App sperren")').count());

      await page.click('nav >> text=Benutzer');
      await page.waitForSelector('caption:has-text("Benutzer (2)")');
      await page.click('a:has-text("alice")');
      assert.ok(await page.locator('h2:has-text("Anmeldesitzungen")').count());
      assert.ok(await page.locator('button:has-text("Alle Sitzungen beenden")').count());
      await page.click('nav >> text=Signaturschlüssel');
      assert.ok(await page.locator('button:has-text("Signaturschlüssel wechseln")').count());
      await page.click('nav >> text=Protokoll');
      assert.ok(await page.locator('button:has-text("Ereignisse anzeigen")').count());
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      await screenshot(page, `console-german-${database().kind}`);

      // a language the catalogue lacks: English
      await page.setExtraHTTPHeaders({ 'Accept-Language': 'fr-FR, es;q=0.8' });
      await page.goto(`${issuer}/admin/apps`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.ok(await page.locator('h2:has-text("Register an app")').count());
      assert.ok(await page.locator('nav[aria-label="Console"] >> text=Signing keys').count());

      // the administrator's own locale comes before the browser's
      await new UserService(running.ctx).update(root.id, { locale: 'de' });
      await page.setExtraHTTPHeaders({ 'Accept-Language': 'en' });
      await page.goto(`${issuer}/admin/keys`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'de');
      assert.ok(await page.locator('h1:has-text("Signaturschlüssel")').count());
    } finally {
      await new UserService(running.ctx).update(root.id, { locale: null });
      await page.setExtraHTTPHeaders({});
    }
  });

  it('registered APIs (register: secret shown once; rotate; revoke) and reference tokens (list per user and app, revoke), each change audited', { skip }, async () => {
    const { page } = browser;
    const root = (await running.ctx.store.users.getByLogin('root'))!;
    const actor = `user:${root.id}`;
    // an API: registered in the console, its secret shown once
    await page.goto(`${issuer}/admin/apis`);
    await page.waitForSelector('caption:has-text("Registered APIs (0)")');
    await page.getByLabel('Audience').fill('https://erp.example.com/api');
    await page.getByLabel('Name', { exact: true }).fill('ERP API');
    await page.getByLabel('Scopes').fill('erp.read erp.write');
    await page.click('button:has-text("Register API")');
    await page.waitForSelector('.notice:has-text("API https://erp.example.com/api registered.")');
    const firstSecret = (await page.locator('#new-secret').textContent())!;
    assert.match(firstSecret, /^[\w-]{43}$/);
    assert.ok(await audited('api_created', { actor }));
    // rotate: a new secret (shown once), then the old one revoked
    await page.click('button:has-text("Add a new secret (rotate)")');
    await page.waitForSelector('.notice:has-text("added")');
    const secondSecret = (await page.locator('#new-secret').textContent())!;
    assert.notEqual(secondSecret, firstSecret);
    const secrets = await running.ctx.store.apis.listSecrets('https://erp.example.com/api');
    const oldId = secrets.find((x) => x.createdAt === Math.min(...secrets.map((y) => y.createdAt)))!.id;
    await page.click(`button:has-text("Revoke secret ${oldId.slice(0, 8)}")`);
    await page.waitForSelector('.notice:has-text("revoked")');
    assert.equal(await page.locator('#new-secret').count(), 0, 'secret values are never shown again');
    assert.ok(!(await page.content()).includes(firstSecret) && !(await page.content()).includes(secondSecret));
    assert.notEqual((await running.ctx.store.apis.listSecrets('https://erp.example.com/api')).find((x) => x.id === oldId)!.revokedAt, null);
    assert.ok(await audited('api_secret_revoked', { actor, targetId: oldId }));
    // the last active secret: refused first, then revoked on purpose
    const lastId = (await running.ctx.store.apis.listSecrets('https://erp.example.com/api')).find((x) => x.revokedAt === null)!.id;
    await page.click(`button:has-text("Revoke secret ${lastId.slice(0, 8)}")`);
    await page.waitForSelector('.error:has-text("last active secret")');
    assert.equal((await running.ctx.store.apis.listSecrets('https://erp.example.com/api')).find((x) => x.id === lastId)!.revokedAt, null);

    // reference tokens: one of bob and one of root for an app that lets administrators issue them
    await createTestApp(running.ctx, { clientId: 'batch.app', displayName: 'Batch jobs', scopes: 'erp.read', accessTokens: 'admins' });
    await createTestUser(running.ctx, { login: 'bob', displayName: 'Bob Berg' });
    const tokens = new ReferenceTokenService(running.ctx);
    const a = await tokens.create({ user: 'bob', clientId: 'batch.app', scope: 'erp.read', expiresIn: 86400, description: 'nightly' }, { kind: 'admin' });
    const r = await tokens.create({ user: 'root', clientId: 'batch.app', scope: 'erp.read', expiresIn: 86400 }, { kind: 'admin' });
    await page.click('nav >> text=Reference tokens');
    await page.waitForSelector('caption:has-text("Reference tokens (2)")');
    assert.ok(!(await page.content()).includes(a.value) && !(await page.content()).includes(r.value), 'token values are never shown');
    await page.getByLabel('User (login or id)').fill('bob');
    await page.click('button:has-text("Show tokens")');
    await page.waitForSelector('caption:has-text("Reference tokens (1)")');
    assert.ok((await page.locator('tbody').textContent())!.includes(a.token.id));
    await page.click(`button:has-text("Revoke token ${a.token.id.slice(0, 8)}")`);
    await page.waitForSelector(`.notice:has-text("Reference token ${a.token.id} revoked.")`);
    assert.notEqual((await running.ctx.store.referenceTokens.get(a.token.id))!.revokedAt, null);
    assert.equal((await running.ctx.store.referenceTokens.get(r.token.id))!.revokedAt, null, 'only that token');
    assert.ok((await page.locator('caption').textContent())!.includes('(1)'), 'the filter by user is kept after the revocation');
    assert.ok(await audited('reference_token_revoked', { actor, targetId: a.token.id }));
    await page.goto(`${issuer}/admin/apps/batch.app`);
    await page.click('a:has-text("Reference tokens for this app")');
    await page.waitForSelector('caption:has-text("Reference tokens (2)")');
    await screenshot(page, `console-tokens-${database().kind}`);
  });

  it('a form without the session\'s CSRF token changes nothing', { skip }, async () => {
    const { page } = browser;
    const answer = await page.request.post(`${issuer}/admin/users/alice/enable`, { form: { csrf: 'forged' } });
    assert.equal(answer.status(), 403);
    assert.equal((await running.ctx.store.users.getByLogin('alice'))!.enabled, false);
    // the same for the new pages: a forged form revokes no reference token and no API secret
    const [active] = (await running.ctx.store.referenceTokens.list({})).filter((t) => t.revokedAt === null);
    assert.ok(active, 'a live reference token to attack');
    const forged = await page.request.post(`${issuer}/admin/tokens/${active.id}/revoke`, { form: { csrf: 'forged' } });
    assert.equal(forged.status(), 403);
    assert.equal((await running.ctx.store.referenceTokens.get(active.id))!.revokedAt, null);
    const [secret] = (await running.ctx.store.apis.listSecrets('https://erp.example.com/api')).filter((x) => x.revokedAt === null);
    const forgedSecret = await page.request.post(`${issuer}/admin/apis/${encodeURIComponent('https://erp.example.com/api')}/secrets/${secret!.id}/revoke`, { form: { csrf: 'forged', force: 'yes' } });
    assert.equal(forgedSecret.status(), 403);
    assert.equal((await running.ctx.store.apis.listSecrets('https://erp.example.com/api')).find((x) => x.id === secret!.id)!.revokedAt, null);
  });
});
