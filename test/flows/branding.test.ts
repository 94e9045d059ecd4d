import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeEachDatabase, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { TestBrowser } from '../support/browser.js';
import { authorizeUrl, openInteraction, startSignInServer, webParams, type SignInServer } from './authorize-support.js';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { startTestServer } from '../support/server.js';
import { chromiumSkipReason, launchChromium, type TestChromium } from '../e2e/support/chromium.js';

const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#8b0000"/></svg>';

function brandFiles(): { dir: string; logo: string; css: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-brand-'));
  const logo = path.join(dir, 'logo.svg');
  const css = path.join(dir, 'brand.css');
  fs.writeFileSync(logo, LOGO_SVG);
  fs.writeFileSync(css, '.instance-name{letter-spacing:.08em} /* acme */\n');
  return { dir, logo, css };
}

describeEachDatabase('branding', (database) => {
  let server: SignInServer;
  let files: ReturnType<typeof brandFiles>;
  before(async () => {
    files = brandFiles();
    server = await startSignInServer(database().url, { BRAND_COLOR: '#8B0000', BRAND_LOGO: files.logo, BRAND_CSS: files.css });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(files.dir, { recursive: true, force: true });
  });

  it('the colour, the logo and the CSS file are part of the stylesheet served under the issuer', async () => {
    const res = await fetch(`${server.issuer}/assets/trustgate.css`);
    assert.equal(res.status, 200);
    const css = await res.text();
    assert.match(css, /min-width:320px/, "Trustgate's own rules first");
    assert.match(css, /\.instance,button,a\.button\{background:#8b0000\}/);
    assert.ok(css.includes(`background:url("/id/assets/logo")`));
    assert.ok(css.trimEnd().endsWith('.instance-name{letter-spacing:.08em} /* acme */'), 'BRAND_CSS last, so it wins');
  });

  it('the logo file is served with its type, as an inert image', async () => {
    const res = await fetch(`${server.issuer}/assets/logo`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/svg+xml');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
    assert.equal(await res.text(), LOGO_SVG);
  });

  it("the pages keep their strict Content-Security-Policy and carry no inline style", async () => {
    const page = await openInteraction(new TestBrowser(), server.issuer, webParams());
    const csp = page.response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'; style-src 'self'; img-src 'self' data:;/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.doesNotMatch(page.html, /style=|<style/);
  });
});

describe('branding with a logo URL', () => {
  let db: TestDatabase;
  let server: SignInServer;
  before(async () => {
    db = await createTestDatabase('sqlite');
    server = await startSignInServer(db.url, { BRAND_LOGO: 'https://cdn.example.com/acme/logo.png' });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  it("allows exactly the logo's origin as an image source on the pages", async () => {
    const page = await openInteraction(new TestBrowser(), server.issuer, webParams());
    assert.match(page.response.headers.get('content-security-policy') ?? '', /img-src 'self' data: https:\/\/cdn\.example\.com;/);
    const css = await (await fetch(`${server.issuer}/assets/trustgate.css`)).text();
    assert.ok(css.includes('background:url("https://cdn.example.com/acme/logo.png")'));
    assert.equal((await fetch(`${server.issuer}/assets/logo`)).status, 404, 'no logo file to serve');
  });
});

describe('branding settings are checked at start', () => {
  const base = { ISSUER_URL: 'http://localhost:8080' };
  const refused = (env: Record<string, string>, variable: string, message: RegExp) =>
    assert.throws(() => loadConfig({ ...base, ...env }), (e: unknown) => e instanceof ConfigError && e.variable === variable && message.test(e.message));

  it('BRAND_COLOR must be a colour dark enough for white text', () => {
    refused({ BRAND_COLOR: 'red' }, 'BRAND_COLOR', /must be a colour such as #1d3557/);
    refused({ BRAND_COLOR: '#ff0;background:url(x)' }, 'BRAND_COLOR', /must be a colour/);
    refused({ BRAND_COLOR: '#ffff00' }, 'BRAND_COLOR', /too light for white text \(contrast 1\.1:1/);
    assert.equal(loadConfig({ ...base, BRAND_COLOR: '#036' }).brandColor, '#003366');
  });

  it('BRAND_LOGO must be an https URL (no quotes or parentheses that could leave the CSS url()) or a file', () => {
    refused({ BRAND_LOGO: 'javascript:alert(1)' }, 'BRAND_LOGO', /https URL or a file path/);
    refused({ BRAND_LOGO: 'http://cdn.example.com/logo.png' }, 'BRAND_LOGO', /https URL or a file path/);
    refused({ BRAND_LOGO: 'https://cdn.example.com/a\'b).png' }, 'BRAND_LOGO', /must not contain quotes/);
    assert.deepEqual(loadConfig({ ...base, BRAND_LOGO: './logo.svg' }).brandLogo, { file: './logo.svg' });
  });

  it('a missing BRAND_CSS or BRAND_LOGO file stops the start, naming the variable', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      await assert.rejects(
        startTestServer({ databaseUrl: db.url, env: { BRAND_CSS: '/nonexistent/brand.css' } }),
        (e: unknown) => e instanceof ConfigError && e.variable === 'BRAND_CSS' && /cannot be read \(ENOENT\)/.test(e.message),
      );
      await assert.rejects(
        startTestServer({ databaseUrl: db.url, env: { BRAND_LOGO: '/nonexistent/logo.exe' } }),
        (e: unknown) => e instanceof ConfigError && e.variable === 'BRAND_LOGO',
      );
    } finally {
      await db.drop();
    }
  });
});

describe('branding in Chromium', { skip: chromiumSkipReason() }, () => {
  let db: TestDatabase;
  let server: SignInServer;
  let chromium: TestChromium;
  let files: ReturnType<typeof brandFiles>;
  before(async () => {
    files = brandFiles();
    db = await createTestDatabase('sqlite');
    server = await startSignInServer(db.url, { BRAND_COLOR: '#8b0000', BRAND_LOGO: files.logo, BRAND_CSS: files.css });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    await db?.drop();
    fs.rmSync(files.dir, { recursive: true, force: true });
  });

  it('the sign-in page shows the colour and the logo, with no Content-Security-Policy violation', async () => {
    const { page } = chromium;
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const logoLoaded = page.waitForResponse((res) => res.url().endsWith('/id/assets/logo') && res.status() === 200);
    await page.goto(authorizeUrl(server.issuer, webParams()));
    await logoLoaded;
    const header = await page.$eval('header.instance', (el) => ({
      background: getComputedStyle(el).backgroundColor,
      logo: getComputedStyle(el, '::before').backgroundImage,
      spacing: getComputedStyle(el.querySelector('.instance-name')!).letterSpacing,
    }));
    assert.equal(header.background, 'rgb(139, 0, 0)');
    assert.match(header.logo, /\/id\/assets\/logo"\)$/);
    assert.notEqual(header.spacing, 'normal', 'BRAND_CSS applied');
    const button = await page.$eval('form.stack button[type=submit]', (el) => getComputedStyle(el).backgroundColor);
    assert.equal(button, 'rgb(139, 0, 0)');
    assert.deepEqual(violations, []);
  });
});
