import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, parseForms } from '../support/browser.js';
import { randomToken, sha256 } from '../../src/tokens/opaque.js';
import { csrfToken } from '../../src/authorization/csrf.js';
import { PASSWORD, authorizeUrl, errorPageOf, openInteraction, redirectParams, startSignInServer, submit, webParams, type SignInServer } from './authorize-support.js';

const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' };

/**
 * The interaction cookie binds pending sign-ins to a browser; its value keys the CSRF tokens. Only a
 * value the server issued (a live interaction of this browser has its hash) is reused: a planted one
 * is replaced, so whoever planted it cannot compute the CSRF tokens of the victim's forms.
 */
describeEachDatabase('interaction cookie: only server-issued values bind a browser', (database) => {
  let server: SignInServer;
  before(async () => {
    server = await startSignInServer(database().url, { INTERACTION_LIFETIME: '60' });
  });
  after(async () => server?.close());

  const interactionOf = async (url: string) => (await server.app.ctx.store.interactions.get(url.split('/').pop()!))!;

  it('a planted value is ignored and replaced by a fresh one; knowing it does not let the attacker post the forms', async () => {
    const planted = randomToken(32);
    const victim = new TestBrowser();
    victim.setCookie(server.origin, 'tg_interaction', planted, '/id');
    const { url, html } = await openInteraction(victim, server.issuer, webParams());
    const issued = victim.cookie('tg_interaction')!;
    assert.notEqual(issued, planted, 'the browser got a new value');
    const interaction = await interactionOf(url);
    assert.equal(interaction.browserHash, sha256(issued));
    const id = interaction.id;
    assert.notEqual(parseForms(html)[0]!.fields.csrf, csrfToken(planted, id), 'the CSRF token is not derived from the planted value');

    // the attacker's browser with the planted value and a CSRF token computed from it
    const attacker = new TestBrowser();
    attacker.setCookie(server.origin, 'tg_interaction', planted, '/id');
    const forged = await attacker.postForm(`${url}/login`, { csrf: csrfToken(planted, id), login: 'bob', password: PASSWORD });
    assert.equal((await errorPageOf(forged)).status, 403);
    assert.equal((await server.app.ctx.store.interactions.get(id))!.userId, null, 'nothing changed');
  });

  it('several tabs share the issued value: every pending sign-in of the browser keeps working', async () => {
    const browser = new TestBrowser();
    const first = await openInteraction(browser, server.issuer, webParams(TOOL));
    const issued = browser.cookie('tg_interaction')!;
    const second = await browser.get(authorizeUrl(server.issuer, webParams(TOOL)));
    assert.equal(second.status, 303);
    assert.equal(browser.cookie('tg_interaction'), issued, 'the same value for the second tab');
    const secondPage = await browser.get(second.headers.get('location')!);
    assert.equal(secondPage.status, 200);
    const done = await submit(browser, server.origin, first.html, '/login', { login: 'alice', password: PASSWORD });
    assert.ok(redirectParams(done, 'https://tool.example.com/cb').get('code'));
    const secondDone = await submit(browser, server.origin, await secondPage.text(), '/login', { login: 'alice', password: PASSWORD });
    assert.ok(redirectParams(secondDone, 'https://tool.example.com/cb').get('code'));
  });

  it('a value whose interactions all expired or completed is replaced too', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams(TOOL));
    const completed = browser.cookie('tg_interaction')!;
    await submit(browser, server.origin, html, '/login', { login: 'alice', password: PASSWORD });
    await openInteraction(browser, server.issuer, webParams({ ...TOOL, prompt: 'login' }));
    const next = browser.cookie('tg_interaction')!;
    assert.notEqual(next, completed, 'a completed interaction does not keep its value alive');

    server.advance(61);
    try {
      await openInteraction(browser, server.issuer, webParams({ ...TOOL, prompt: 'login' }));
      assert.notEqual(browser.cookie('tg_interaction'), next, 'an expired interaction does not keep its value alive');
    } finally {
      server.advance(-61);
    }
  });
});
