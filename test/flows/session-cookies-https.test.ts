import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase, testKeyEnv } from '../support/databases.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { parseForms } from '../support/browser.js';
import { FAST_ARGON2 } from './authorize-support.js';

const setCookies = (headers: Record<string, unknown>): string[] => ([] as string[]).concat((headers['set-cookie'] as string[] | string | undefined) ?? []);

/**
 * Cookies on an https issuer are __Host- cookies (RFC 6265bis 4.1.3.2): Secure, Path=/ and no Domain,
 * whatever the issuer path, so neither a sibling subdomain nor a plain-http page can plant them; the
 * server reads only those names.
 */
for (const issuer of ['https://erp.example.com/id', 'https://login.example.com']) {
  describeEachDatabase(`session and interaction cookies on ${issuer}`, (database) => {
    let running: RunningApp;
    const path = new URL(issuer).pathname.replace(/\/$/, '');
    const host = new URL(issuer).host;
    before(async () => {
      running = await createApp(loadConfig({ ...FAST_ARGON2, LOG_LEVEL: 'silent', ISSUER_URL: issuer, DATABASE_URL: database().url, ...testKeyEnv(database().url) }));
      await createTestApp(running.ctx, { clientId: 'web.app', requireConsent: false });
      await createTestUser(running.ctx, { login: 'alice' });
    });
    after(async () => running?.close());

    function assertHostCookie(line: string | undefined, name: string): void {
      assert.ok(line, `a ${name} cookie is set`);
      const attributes = line.split('; ');
      for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/']) {
        assert.ok(attributes.includes(attribute), `${attribute} in ${line}`);
      }
      assert.ok(!attributes.some((a) => /^Domain=/i.test(a)), `no Domain in ${line}`);
    }

    const authorize = () => {
      const query = new URLSearchParams({ client_id: 'web.app', redirect_uri: 'https://app.example.com/callback', response_type: 'code', scope: 'read' });
      return running.server.inject({ url: `${path}/connect/authorize?${query}`, headers: { host } });
    };

    /** Signs alice in; returns the cookie pairs the browser holds and the responses' Set-Cookie lines. */
    async function signIn() {
      const start = await authorize();
      assert.equal(start.statusCode, 303);
      const interactionLine = setCookies(start.headers).find((c) => c.startsWith('__Host-tg_interaction='));
      assertHostCookie(interactionLine, '__Host-tg_interaction');
      const interactionCookie = interactionLine!.split(';')[0]!;
      const location = new URL(String(start.headers.location));
      assert.equal(location.origin + location.pathname.replace(/\/connect\/.*$/, ''), issuer);
      const page = await running.server.inject({ url: location.pathname, headers: { host, cookie: interactionCookie } });
      assert.equal(page.statusCode, 200);
      const form = parseForms(page.body)[0]!;
      const login = await running.server.inject({
        method: 'POST',
        url: form.action,
        headers: { host, cookie: interactionCookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...form.fields, login: 'alice', password: TEST_PASSWORD }).toString(),
      });
      assert.equal(login.statusCode, 303);
      assert.ok(String(login.headers.location).startsWith('https://app.example.com/callback?code='));
      const sessionLine = setCookies(login.headers).find((c) => c.startsWith('__Host-tg_session='));
      assertHostCookie(sessionLine, '__Host-tg_session');
      return { interactionCookie, sessionCookie: sessionLine!.split(';')[0]!, interactionPath: location.pathname };
    }

    it('are __Host- cookies: Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', async () => {
      const { interactionCookie, sessionCookie } = await signIn();
      assert.match(interactionCookie, /^__Host-tg_interaction=[A-Za-z0-9_-]{43}$/);
      assert.match(sessionCookie, /^__Host-tg_session=[A-Za-z0-9_-]{43}$/);
      // sign-out clears it under the same name and attributes
      const asked = await running.server.inject({ url: `${path}/connect/endsession`, headers: { host, cookie: sessionCookie } });
      const confirm = parseForms(asked.body).find((f) => f.action === `${path}/connect/endsession/confirm`)!;
      const signedOut = await running.server.inject({
        method: 'POST',
        url: confirm.action,
        headers: { host, cookie: sessionCookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...confirm.fields, decision: 'logout' }).toString(),
      });
      assert.equal(signedOut.statusCode, 200);
      assertHostCookie(setCookies(signedOut.headers).find((c) => c.startsWith('__Host-tg_session=;')), '__Host-tg_session (cleared)');
    });

    it('only the __Host- names are read: the same values under the plain names are ignored', async () => {
      const { sessionCookie } = await signIn();
      const sessionValue = sessionCookie.split('=')[1]!;
      const silent = (cookie: string) => {
        const query = new URLSearchParams({ client_id: 'web.app', redirect_uri: 'https://app.example.com/callback', response_type: 'code', scope: 'read', prompt: 'none' });
        return running.server.inject({ url: `${path}/connect/authorize?${query}`, headers: { host, cookie } });
      };
      assert.match(String((await silent(sessionCookie)).headers.location), /[?&]code=/, 'the __Host- session signs in silently');
      assert.match(String((await silent(`tg_session=${sessionValue}`)).headers.location), /[?&]error=login_required/, 'the plain name is not read');

      // a new interaction, then its page with the browser secret under the plain name
      const start = await authorize();
      const secret = setCookies(start.headers).find((c) => c.startsWith('__Host-tg_interaction='))!.split(';')[0]!.split('=')[1]!;
      const pagePath = new URL(String(start.headers.location)).pathname;
      const plain = await running.server.inject({ url: pagePath, headers: { host, cookie: `tg_interaction=${secret}` } });
      assert.equal(plain.statusCode, 403, 'the plain interaction cookie does not bind the browser');
      const prefixed = await running.server.inject({ url: pagePath, headers: { host, cookie: `__Host-tg_interaction=${secret}` } });
      assert.equal(prefixed.statusCode, 200);
    });
  });
}
