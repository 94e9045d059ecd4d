import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, decodeEntities } from '../support/browser.js';
import { authorizeUrl, openInteraction, PASSWORD, startSignInServer, submit, webParams, type SignInServer } from './authorize-support.js';
import { chooseLocale } from '../../src/pages/messages/index.js';
import { en } from '../../src/pages/messages/en.js';
import { de } from '../../src/pages/messages/de.js';
import { createTestUser } from '../support/fixtures.js';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/second-factors/totp.js';
import { signInToAccount, submitPasswordChange } from './account-support.js';
import { chromiumSkipReason, launchChromium, type TestChromium } from '../e2e/support/chromium.js';

const langOf = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];
const text = (html: string) => decodeEntities(html);

describe('choosing the language', () => {
  it('ui_locales first, then Accept-Language by q-value, a region falls back to its language, else English', () => {
    assert.equal(chooseLocale(['de'], undefined), 'de');
    assert.equal(chooseLocale(['fr-CA', 'de-AT'], 'en'), 'de', 'the first supported ui_locales entry');
    assert.equal(chooseLocale(['en'], 'de'), 'en', 'the app chose English over the browser');
    assert.equal(chooseLocale([], 'fr;q=0.9, de-CH;q=0.8, en;q=0.5'), 'de');
    assert.equal(chooseLocale([], 'en;q=0.4, de;q=0.8'), 'de', 'by q-value, not by order');
    assert.equal(chooseLocale([], 'de;q=0, en'), 'en', 'q=0 means not acceptable');
    assert.equal(chooseLocale(['fr'], 'fr-FR, es'), 'en', 'nothing supported: English');
    assert.equal(chooseLocale([], undefined), 'en');
    assert.equal(chooseLocale([], 'x'.repeat(5000)), 'en');
  });

  it('the German catalogue translates every message of the English one', () => {
    const walk = (a: unknown, b: unknown, path: string): void => {
      if (typeof a === 'object' && a !== null) {
        assert.deepEqual(Object.keys(b as object).sort(), Object.keys(a).sort(), `the same keys at ${path}`);
        for (const key of Object.keys(a)) walk((a as any)[key], (b as any)[key], `${path}.${key}`);
        return;
      }
      assert.equal(typeof b, typeof a, path);
      if (path === '.lang') return;
      const sample = (v: any) => String(typeof v === 'function' ? v('X', 'Y') : v);
      if (!['.account.name', '.issuer.jwksWhat', '.accountFactors.passkeysTitle', '.console.nav.apps'].includes(path) || sample(a) !== sample(b)) {
        assert.notEqual(sample(b), sample(a), `${path} is translated`);
      }
    };
    walk(en, de, '');
  });
});

describeEachDatabase('sign-in pages in German', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url);
  });
  after(async () => server?.close());

  it('ui_locales=de: the login page is German, and stays German after a failed attempt (remembered on the interaction)', async () => {
    const browser = new TestBrowser();
    const page = await openInteraction(browser, server.issuer, webParams({ ui_locales: 'de-CH en' }));
    assert.equal(page.status, 200);
    assert.equal(langOf(page.html), 'de');
    assert.match(text(page.html), /<h1>Bei Web Portal anmelden<\/h1>/);
    assert.match(text(page.html), /<label for="login">Benutzername<\/label>/);
    assert.match(text(page.html), /<label for="password">Passwort<\/label>/);
    assert.match(text(page.html), /Abbrechen und zurück zu Web Portal/);

    // the POST carries no Accept-Language: the language comes from the interaction
    const failed = await submit(browser, server.origin, page.html, '/login', { login: 'alice', password: 'wrong password' });
    assert.equal(failed.status, 401);
    const failedHtml = await failed.text();
    assert.equal(langOf(failedHtml), 'de');
    assert.match(text(failedHtml), /Benutzername oder Passwort ist falsch\./);

    const ok = await submit(browser, server.origin, failedHtml, '/login', { login: 'alice', password: PASSWORD });
    assert.equal(ok.status, 303);
    const consent = await (await browser.get(ok.headers.get('location')!)).text();
    assert.equal(langOf(consent), 'de');
    assert.match(text(consent), /Web Portal den Zugriff auf Ihr Konto erlauben\?/);
    assert.match(text(consent), /Ihre ERP-Daten lesen/);
    assert.match(text(consent), />Erlauben<\/button>/);
    assert.match(text(consent), />Ablehnen<\/button>/);
  });

  it('Accept-Language: de-DE gives German pages without ui_locales', async () => {
    const browser = new TestBrowser({ headers: { 'accept-language': 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7' } });
    const page = await openInteraction(browser, server.issuer, webParams());
    assert.equal(langOf(page.html), 'de');
    assert.match(text(page.html), /Verwenden Sie Ihr Acme ERP-Konto\./);
  });

  it('ui_locales wins over Accept-Language; an unsupported language falls back to English', async () => {
    const german = new TestBrowser({ headers: { 'accept-language': 'de' } });
    const english = await openInteraction(german, server.issuer, webParams({ ui_locales: 'en' }));
    assert.equal(langOf(english.html), 'en');
    assert.match(english.html, /<h1>Sign in to Web Portal<\/h1>/);

    const french = new TestBrowser({ headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const fallback = await openInteraction(french, server.issuer, webParams({ ui_locales: 'fr' }));
    assert.equal(langOf(fallback.html), 'en');
    assert.match(fallback.html, /<label for="login">Login<\/label>/);
  });

  it('the error page is German for a German browser (the technical description stays as documented)', async () => {
    const res = await new TestBrowser({ headers: { 'accept-language': 'de' } }).get(authorizeUrl(server.issuer, webParams({ client_id: 'nobody.app' })));
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.equal(langOf(html), 'de');
    assert.match(html, /Diese Anmeldeanfrage kann nicht abgeschlossen werden/);
    assert.match(html, /<title>Anmeldefehler · Acme ERP<\/title>/);
    assert.match(html, /Fehler: <code>invalid_redirect_uri<\/code>/);
    assert.match(html, /is not registered as a Trusted Application/, 'the description as docs/common-errors.md lists it');
  });

  it('the second-factor step is German too, and so is its wrong-code message', async () => {
    const { user } = await createTestUser(server.app.ctx, { login: 'greta' });
    const enrolment = await startTotpEnrolment(server.app.ctx, user);
    const { Secret, TOTP } = await import('otpauth');
    const code = new TOTP({ secret: Secret.fromBase32(enrolment.secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() - 30_000 });
    assert.ok(await confirmTotpEnrolment(server.app.ctx, user, enrolment.credentialId, code));
    const browser = new TestBrowser();
    const page = await openInteraction(browser, server.issuer, webParams({ ui_locales: 'de' }));
    const afterPassword = await submit(browser, server.origin, page.html, '/login', { login: 'greta', password: PASSWORD });
    const step = await (await browser.get(afterPassword.headers.get('location')!)).text();
    assert.equal(langOf(step), 'de');
    assert.match(text(step), /<h1>Bestätigen Sie, dass Sie es sind<\/h1>/);
    assert.match(text(step), /Code aus Ihrer Authenticator-App/);
    const wrong = await submit(browser, server.origin, step, '/second-factor', { code: '000000' });
    assert.equal(wrong.status, 401);
    assert.match(text(await wrong.text()), /Dieser Code ist nicht richtig oder wurde schon verwendet/);
  });

  it('the account area follows Accept-Language: the page, its password section and its messages', async () => {
    await createTestUser(server.app.ctx, { login: 'hanna' });
    const browser = new TestBrowser({ headers: { 'accept-language': 'de' } });
    const html = await signInToAccount(server, browser, 'hanna', PASSWORD);
    assert.equal(langOf(html), 'de');
    assert.match(text(html), /<h1>Ihr Konto<\/h1>/);
    assert.match(text(html), /<h2 id="password-title">Passwort ändern<\/h2>/);
    assert.match(text(html), /<label for="current_password">Aktuelles Passwort<\/label>/);
    const refused = await submitPasswordChange(server, browser, html, { current: 'not my password', next: 'violet harbor lantern orbit' });
    assert.equal(refused.status, 400);
    assert.match(text(await refused.text()), /Ihr aktuelles Passwort ist nicht richtig\./);
  });

  it("the account page's passkey, authenticator-app and recovery-code sections are German", async () => {
    await createTestUser(server.app.ctx, { login: 'henrik' });
    const browser = new TestBrowser({ headers: { 'accept-language': 'de' } });
    const html = text(await signInToAccount(server, browser, 'henrik', PASSWORD));
    assert.match(html, /<h2 id="passkeys-title">Passkeys<\/h2>/);
    assert.match(html, /Ein Passkey meldet Sie ohne Passwort an/);
    assert.match(html, /Sie haben keine Passkeys\./);
    assert.match(html, /Passkeys setzen voraus, dass dieser Server über einen Domainnamen erreicht wird\./, 'this server is on 127.0.0.1');
    assert.match(html, /<h2 id="authenticator-app-title">Authenticator-App<\/h2>/);
    assert.match(html, /Es ist keine Authenticator-App eingerichtet\./);
    assert.match(html, />Authenticator-App einrichten<\/button>/);
    assert.match(html, /<h2 id="recovery-codes-title">Wiederherstellungscodes<\/h2>/);
    assert.match(html, /Sie haben 0 unbenutzte Wiederherstellungscodes\./);
    assert.match(html, />Neue Wiederherstellungscodes erzeugen<\/button>/);
    assert.doesNotMatch(html, /authenticator app|recovery code|You have|a passkey|domain name/i, 'no English left in the sections');
  });

  it('discovery advertises ui_locales_supported', async () => {
    const doc = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(doc.ui_locales_supported, ['en', 'de']);
  });
});

describe('a German Chromium signs in in German', { skip: chromiumSkipReason() }, () => {
  let server: SignInServer;
  let chromium: TestChromium;
  let dropDb: () => Promise<void>;
  before(async () => {
    const { createTestDatabase } = await import('../support/databases.js');
    const db = await createTestDatabase('sqlite');
    dropDb = db.drop;
    server = await startSignInServer(db.url);
    chromium = await launchChromium({ locale: 'de-DE' });
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    await dropDb?.();
  });

  it('the login page, its labels and the wrong-password message are German, <html lang="de">', async () => {
    const { page } = chromium;
    await page.goto(authorizeUrl(server.issuer, webParams()));
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.textContent('h1'), 'Bei Web Portal anmelden');
    await page.getByLabel('Benutzername').fill('alice');
    await page.getByLabel('Passwort').fill('not the password');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    assert.equal(await page.textContent('[role=alert]'), 'Benutzername oder Passwort ist falsch.');
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('button', { name: 'Erlauben' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
  });
});

describeEachDatabase('passkey texts on the sign-in pages in German', (database) => {
  let server: SignInServer;
  before(async () => {
    // passkeys are offered only where WebAuthn can work: an issuer on localhost
    server = await startSignInServer(database().url, {}, { hostName: 'localhost' });
  });
  after(async () => server?.close());

  it('login page, second-factor page and passkey set-up at sign-in say "Passkey" in German', async () => {
    const login = await openInteraction(new TestBrowser({ headers: { 'accept-language': 'de' } }), server.issuer, webParams());
    assert.match(text(login.html), /Oder ohne Passwort:/);
    assert.match(text(login.html), /<button type="button" data-passkey-start>Mit einem Passkey anmelden<\/button>/);
    assert.match(text(login.html), /data-failed="Der Passkey wurde nicht verwendet/);

    // a user with an app and a passkey: the passkey is offered beside the code
    const { user } = await createTestUser(server.app.ctx, { login: 'petra' });
    const enrolment = await startTotpEnrolment(server.app.ctx, user);
    const { Secret, TOTP } = await import('otpauth');
    const code = new TOTP({ secret: Secret.fromBase32(enrolment.secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() - 30_000 });
    assert.ok(await confirmTotpEnrolment(server.app.ctx, user, enrolment.credentialId, code));
    await server.app.ctx.store.passkeys.add({
      id: 'petra-key', userId: user.id, publicKey: 'not used here', counter: 0, transports: ['internal'], backedUp: false, name: 'Laptop', createdAt: Date.now(), lastUsedAt: null,
    });
    const browser = new TestBrowser({ headers: { 'accept-language': 'de' } });
    const page = await openInteraction(browser, server.issuer, webParams());
    const afterPassword = await submit(browser, server.origin, page.html, '/login', { login: 'petra', password: PASSWORD });
    const step = text(await (await browser.get(afterPassword.headers.get('location')!)).text());
    assert.match(step, />Einen Passkey verwenden<\/button>/);

    // a user who must use a second factor and has none: an app or a passkey, set up now
    await createTestUser(server.app.ctx, { login: 'paul', requireMfa: true });
    const enrol = new TestBrowser({ headers: { 'accept-language': 'de' } });
    const first = await openInteraction(enrol, server.issuer, webParams());
    const next = await submit(enrol, server.origin, first.html, '/login', { login: 'paul', password: PASSWORD });
    const setUp = text(await (await enrol.get(next.headers.get('location')!)).text());
    assert.match(setUp, /<h2>Oder einen Passkey verwenden<\/h2>/);
    assert.match(setUp, /Ein Passkey auf diesem Gerät/);
    assert.match(setUp, />Passkey erstellen<\/button>/);
  });
});
