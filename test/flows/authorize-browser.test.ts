import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestApp } from '../support/fixtures.js';
import { PASSWORD, PKCE, startSignInServer, type SignInServer } from './authorize-support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function skipReason(): string | false {
  if (fs.existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: the browser sign-in test cannot run in CI without it`);
  return `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH): browser sign-in test skipped`;
}

/**
 * A person clicks through sign-in and consent in real Chromium at 320 px: the CSP (form-action
 * includes the app's origin, the form_post script hash) must let the browser reach the app.
 */
describe('sign-in in a real browser (Chromium, 320 px wide)', { skip: skipReason() }, () => {
  let db: TestDatabase;
  let server: SignInServer;
  let browser: Browser;
  let appServer: http.Server;
  let appOrigin: string;
  const received: { method: string; url: string; body: string }[] = [];

  before(async () => {
    db = await createTestDatabase('sqlite');
    server = await startSignInServer(db.url);
    appServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.url?.startsWith('/cb')) received.push({ method: req.method!, url: req.url, body });
        res.setHeader('content-type', 'text/html');
        res.end('<!doctype html><title>app</title><p id="ok">app got it</p>');
      });
    });
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    await createTestApp(server.app.ctx, {
      clientId: 'browser.app',
      clientType: 'public',
      displayName: 'Browser App',
      loginRedirectUris: [`${appOrigin}/cb`],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    appServer?.close();
    await server?.close();
    await db?.drop();
  });

  for (const mode of ['query', 'form_post'] as const) {
    it(`login, consent and the return to the app work (response_mode=${mode})`, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      const params = new URLSearchParams({
        client_id: 'browser.app',
        redirect_uri: `${appOrigin}/cb`,
        response_type: 'code',
        scope: 'openid read',
        state: `state-${mode}`,
        code_challenge: PKCE.challenge,
        code_challenge_method: 'S256',
        response_mode: mode,
        // the second run would otherwise skip the remembered consent
        prompt: 'consent',
      });
      await page.goto(`${server.issuer}/connect/authorize?${params}`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in to Browser App');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, 'no horizontal scrolling at 320 px');
      await page.getByLabel('Login').fill('alice');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForSelector('#ok');
      const last = received[received.length - 1]!;
      const got = new URLSearchParams(mode === 'query' ? last.url.split('?')[1] : last.body);
      assert.equal(last.method, mode === 'query' ? 'GET' : 'POST');
      assert.match(got.get('code') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(got.get('state'), `state-${mode}`);
      assert.equal(got.get('iss'), server.issuer);
      assert.deepEqual(violations, []);
      await context.close();
    });
  }
});
