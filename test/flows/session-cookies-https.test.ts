import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { parseForms } from '../support/browser.js';
import { FAST_ARGON2 } from './authorize-support.js';

/** Cookies on an https issuer are Secure; their path is the issuer path, or / for a root issuer. */
for (const issuer of ['https://erp.example.com/id', 'https://login.example.com']) {
  describeEachDatabase(`session and interaction cookies on ${issuer}`, (database) => {
    let running: RunningApp;
    before(async () => {
      running = await createApp(loadConfig({ ...FAST_ARGON2, LOG_LEVEL: 'silent', ISSUER_URL: issuer, DATABASE_URL: database().url }));
      await createTestApp(running.ctx, { clientId: 'web.app', requireConsent: false });
      await createTestUser(running.ctx, { login: 'alice' });
    });
    after(async () => running?.close());

    it('are Secure, HttpOnly, SameSite=Lax with the issuer path', async () => {
      const path = new URL(issuer).pathname.replace(/\/$/, '');
      const expectedPath = path || '/';
      const query = new URLSearchParams({ client_id: 'web.app', redirect_uri: 'https://app.example.com/callback', response_type: 'code', scope: 'read' });
      const start = await running.server.inject({ url: `${path}/connect/authorize?${query}`, headers: { host: new URL(issuer).host } });
      assert.equal(start.statusCode, 303);
      const interactionCookie = ([] as string[]).concat(start.headers['set-cookie'] ?? []).find((c) => c.startsWith('tg_interaction='))!;
      for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Lax', `Path=${expectedPath}`]) {
        assert.ok(interactionCookie.split('; ').includes(attribute), `${attribute} in ${interactionCookie}`);
      }
      const cookie = interactionCookie.split(';')[0]!;
      const location = new URL(String(start.headers.location));
      assert.equal(location.origin + location.pathname.replace(/\/connect\/.*$/, ''), issuer);
      const page = await running.server.inject({ url: location.pathname, headers: { cookie } });
      const form = parseForms(page.body)[0]!;
      const login = await running.server.inject({
        method: 'POST',
        url: form.action,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...form.fields, login: 'alice', password: TEST_PASSWORD }).toString(),
      });
      assert.equal(login.statusCode, 303);
      assert.ok(String(login.headers.location).startsWith('https://app.example.com/callback?code='));
      const sessionCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('tg_session='))!;
      for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Lax', `Path=${expectedPath}`]) {
        assert.ok(sessionCookie.split('; ').includes(attribute), `${attribute} in ${sessionCookie}`);
      }
    });
  });
}
