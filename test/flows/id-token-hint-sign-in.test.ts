import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { PASSWORD, openInteraction, redirectParams, signIdToken, startSignInServer, submit, webParams, type SignInServer } from './authorize-support.js';

const TOOL = { client_id: 'no-consent.app', redirect_uri: 'https://tool.example.com/cb' };
const TOOL_CB = 'https://tool.example.com/cb';
const MESSAGE = 'Internal Tool asked you to sign in with a different account. Sign in with that account, or cancel.';

/** OpenID Connect Core 3.1.2.1: a request with id_token_hint completes only for the user the hint names. */
describeEachDatabase('id_token_hint is enforced after an interactive sign-in', (database) => {
  let server: SignInServer;
  let aliceHint: string;
  before(async () => {
    server = await startSignInServer(database().url);
    const alice = (await server.app.ctx.store.users.getByLogin('alice'))!;
    aliceHint = await signIdToken(server.app.ctx, { sub: alice.id, aud: 'no-consent.app' });
  });
  after(async () => server?.close());

  const codeUser = async (res: Response) => {
    const code = redirectParams(res, TOOL_CB).get('code')!;
    return (await server.app.ctx.store.codes.get(sha256(code)))!.userId;
  };

  it('someone else signing in gets the login page again (the other account not named), no session, no code', async () => {
    const browser = new TestBrowser();
    const { url, html } = await openInteraction(browser, server.issuer, webParams({ ...TOOL, id_token_hint: aliceHint }));
    const refused = await submit(browser, server.origin, html, '/login', { login: 'bob', password: PASSWORD });
    assert.equal(refused.status, 403);
    const page = await refused.text();
    assert.ok(page.includes(`<p class="error" role="alert" id="login-error">${MESSAGE}</p>`), page);
    assert.doesNotMatch(page, /alice/i, 'the hinted account is not revealed');
    assert.equal(browser.cookie('tg_session'), undefined, 'bob is not signed in');
    assert.equal((await server.app.ctx.store.interactions.get(url.split('/').pop()!))!.userId, null);

    // the right account completes the same request
    const ok = await submit(browser, server.origin, page, '/login', { login: 'alice', password: PASSWORD });
    assert.equal(await codeUser(ok), (await server.app.ctx.store.users.getByLogin('alice'))!.id);
  });

  it('after the refusal the user can cancel: access_denied as usual', async () => {
    const browser = new TestBrowser();
    const { html } = await openInteraction(browser, server.issuer, webParams({ ...TOOL, id_token_hint: aliceHint, state: 'h' }));
    const refused = await submit(browser, server.origin, html, '/login', { login: 'bob', password: PASSWORD });
    const back = redirectParams(await submit(browser, server.origin, await refused.text(), '/abort', {}), TOOL_CB);
    assert.equal(back.get('error'), 'access_denied');
    assert.equal(back.get('error_description'), 'the user cancelled the sign-in');
    assert.equal(back.get('state'), 'h');
  });

  it('signed in as someone else: the page says the app wants another account, and signing in again as them is refused', async () => {
    const browser = new TestBrowser();
    await signIn(browser, server.issuer, webParams(TOOL), { login: 'bob', password: PASSWORD });
    const bobCookie = browser.cookie('tg_session');
    const { html } = await openInteraction(browser, server.issuer, webParams({ ...TOOL, id_token_hint: aliceHint }));
    assert.ok(html.includes(`You are signed in as bob. ${MESSAGE}`), html);
    const refused = await submit(browser, server.origin, html, '/login', { login: 'bob', password: PASSWORD });
    assert.equal(refused.status, 403);
    assert.equal(browser.cookie('tg_session'), bobCookie, "bob's session is left as it was");
  });
});
