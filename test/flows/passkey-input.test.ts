import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, parseForms } from '../support/browser.js';
import { authorizeUrl, startSignInServer, webParams, type SignInServer } from './authorize-support.js';
import { sha256 } from '../../src/tokens/opaque.js';

/**
 * The passkey endpoints of a sign-in over HTTP (the ceremonies themselves run in real Chromium:
 * test/e2e/passkeys.test.ts): options carry a challenge kept on the server, and hostile or malformed
 * answers get a clear page, never a 5xx, on both databases.
 */
describeEachDatabase('passkeys at sign-in: options and hostile answers', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url, {}, { hostName: 'localhost' });
  });
  after(async () => server?.close());

  /** A login page of a new sign-in: its passkey form's action, options URL and CSRF token. */
  async function loginPage(browser: TestBrowser) {
    const start = await browser.get(authorizeUrl(server.issuer, webParams()));
    const page = await browser.get(start.headers.get('location')!);
    const html = await page.text();
    assert.match(page.headers.get('content-security-policy')!, /script-src 'self'; connect-src 'self'/);
    const form = parseForms(html).find((f) => f.action.endsWith('/passkey'));
    assert.ok(form, 'the login page offers "Sign in with a passkey"');
    const options = html.match(/data-options="([^"]+)"/)![1]!;
    return { action: new URL(form.action, server.origin), options: new URL(options, server.origin), csrf: form.fields.csrf! };
  }

  it('passwordless options: rpId from the issuer, user verification required, no credential list, the challenge stored only as a hash', async () => {
    const browser = new TestBrowser();
    const { options, csrf } = await loginPage(browser);
    const res = await browser.postForm(options, { csrf, purpose: 'sign-in' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.json();
    assert.equal(body.rpId, 'localhost');
    assert.equal(body.userVerification, 'required');
    assert.equal(body.allowCredentials, undefined);
    assert.match(body.challenge, /^[A-Za-z0-9_-]{43}$/);
    const interaction = options.pathname.split('/').at(-2);
    const stored = await server.app.ctx.store.passkeys.consumeChallenge(sha256(body.challenge), 'authenticate', `interaction:${interaction}`, Date.now());
    assert.ok(stored, 'kept on the server under its hash, bound to the interaction');
  });

  it('options without the CSRF token, for another purpose, or for a second factor nobody is waiting for: refused with a page', async () => {
    const browser = new TestBrowser();
    const { options, csrf } = await loginPage(browser);
    assert.equal((await browser.postForm(options, { purpose: 'sign-in' })).status, 403);
    for (const purpose of ['', 'admin', 'second-factor', 'register']) {
      const res = await browser.postForm(options, { csrf, purpose });
      assert.equal(res.status, 400, purpose);
      assert.match(res.headers.get('content-type')!, /text\/html/);
    }
  });

  it('malformed and hostile answers: 401 "That passkey could not be used", nobody signed in, never a 5xx', async () => {
    const browser = new TestBrowser();
    const { action, csrf } = await loginPage(browser);
    const clientData = (challenge: string) => Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: server.origin })).toString('base64url');
    const answers = [
      '',
      '{',
      JSON.stringify({ id: 'a\u0000b', type: 'public-key', response: { clientDataJSON: clientData('c') } }),
      JSON.stringify({ id: '\ud800', type: 'public-key', response: { clientDataJSON: clientData('\ud800') } }),
      JSON.stringify({ id: 'abc', type: 'public-key', response: { clientDataJSON: '!!not base64!!' } }),
      JSON.stringify({ id: 'abc', type: 'public-key', response: { clientDataJSON: clientData('never-issued'), authenticatorData: 'AA', signature: 'AA' } }),
      JSON.stringify([1, 2, 3]),
    ];
    for (const response of answers) {
      const res = await browser.postForm(action, { csrf, purpose: 'sign-in', response });
      assert.equal(res.status, 401, response.slice(0, 40));
      assert.match(await res.text(), /That passkey could not be used to sign in here/);
    }
    const oversized = await browser.postForm(action, { csrf, purpose: 'sign-in', response: 'x'.repeat(30_000) });
    assert.equal(oversized.status, 400, 'an oversized field is refused by the form reader, with a page');
    assert.match(oversized.headers.get('content-type')!, /text\/html/);
    assert.equal(browser.cookie('tg_session'), undefined);
  });

  it("failed assertions for a user's passkey are throttled like second-factor codes: past the limit, refused unchecked (429)", async () => {
    const ctx = server.app.ctx;
    const alice = (await ctx.store.users.getByLogin('alice'))!;
    await ctx.store.passkeys.add({
      id: 'alice-key', userId: alice.id, publicKey: Buffer.from('not a real key').toString('base64url'), counter: 0, transports: [],
      backedUp: false, name: 'Key', createdAt: Date.now(), lastUsedAt: null,
    });
    const browser = new TestBrowser();
    const limit = ctx.config.throttle.secondFactorLimit;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) {
      const { action, options, csrf } = await loginPage(browser);
      const { challenge } = await (await browser.postForm(options, { csrf, purpose: 'sign-in' })).json();
      const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: server.origin })).toString('base64url');
      const response = JSON.stringify({
        id: 'alice-key', rawId: 'alice-key', type: 'public-key', clientExtensionResults: {},
        response: { clientDataJSON, authenticatorData: Buffer.alloc(37).toString('base64url'), signature: 'AAAA', userHandle: Buffer.from(alice.id).toString('base64url') },
      });
      statuses.push((await browser.postForm(action, { csrf, purpose: 'sign-in', response })).status);
    }
    assert.deepEqual(statuses, [...Array(limit).fill(401), 429]);
    const throttled = await ctx.store.auditEvents.query({ userId: alice.id, action: 'second_factor_throttled' });
    assert.equal(throttled.events[0]?.details.via, 'passkey');
  });
});
