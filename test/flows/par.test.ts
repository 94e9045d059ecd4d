import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as client from 'openid-client';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, decodeEntities, signIn, pkcePair } from '../support/browser.js';
import { inspectDatabase } from '../support/inspect-database.js';
import { AppService } from '../../src/admin/app-service.js';

const CALLBACK = 'https://app.example.com/callback';
const SPA_CALLBACK = 'https://spa.example.com/index.html';
const URI_REFUSED =
  'the request_uri is unknown, expired or already used, or was pushed by another app: push the authorization request again (a request_uri works once, for 60 seconds)';

/** Pushed authorization requests (RFC 9126) at {issuer}/connect/par, with openid-client and by hand. */
describeEachDatabase('pushed authorization requests (PAR, RFC 9126)', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(server.app.ctx);
  });
  after(async () => server?.close());

  const parUrl = () => `${server.issuer}/connect/par`;
  const insecureHttpForTests = { execute: [client.allowInsecureRequests] };
  const credentials = () => ({ login: world.user.login, password: world.user.password });
  const push = (params: Record<string, string>, auth: { basic?: { clientId: string; secret: string } } = { basic: world.web }) =>
    postForm(parUrl(), { response_type: 'code', redirect_uri: CALLBACK, scope: 'openid read', state: 'st', ...params }, auth);
  const authorize = (params: Record<string, string>) =>
    fetch(`${server.issuer}/connect/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  async function pageError(res: Response): Promise<{ status: number; error: string; description: string }> {
    const html = await res.text();
    return {
      status: res.status,
      error: decodeEntities(/<p class="error-code">Error: <code>([^<]*)<\/code><\/p>/.exec(html)?.[1] ?? ''),
      description: decodeEntities(/<p class="error-description">([^<]*)<\/p>/.exec(html)?.[1] ?? ''),
    };
  }

  it('discovery advertises the endpoint; pushing is not required globally', async () => {
    const doc = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.pushed_authorization_request_endpoint, parUrl());
    assert.equal(doc.require_pushed_authorization_requests, false);
  });

  it('openid-client: buildAuthorizationUrlWithPAR, sign-in, code exchange (confidential app)', async () => {
    const config = await client.discovery(new URL(server.issuer), world.web.clientId, undefined, client.ClientSecretBasic(world.web.secret), insecureHttpForTests);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: CALLBACK, scope: 'openid profile read', code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', state, nonce,
    });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(url.searchParams.get('request_uri')!, /^urn:ietf:params:oauth:request_uri:[\w-]{43}$/);
    const callback = await signIn(new TestBrowser(), server.issuer, Object.fromEntries(url.searchParams), credentials());
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    assert.equal(tokens.claims()!.sub, world.user.id);
    assert.equal(tokens.scope, 'openid profile read');
  });

  it('a public app pushes with its client_id (PKCE); the answer is 201 {request_uri, expires_in: 60}, not cached', async () => {
    const { verifier, challenge } = pkcePair();
    const res = await postForm(parUrl(), {
      client_id: world.spa.clientId, response_type: 'code', redirect_uri: SPA_CALLBACK, scope: 'openid read', state: 's1',
      code_challenge: challenge, code_challenge_method: 'S256',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(res.body).sort(), ['expires_in', 'request_uri']);
    assert.equal(res.body.expires_in, 60);
    const callback = await signIn(new TestBrowser(), server.issuer, { client_id: world.spa.clientId, request_uri: res.body.request_uri }, credentials());
    assert.equal(callback.searchParams.get('state'), 's1');
    const tokens = await postForm(`${server.issuer}/connect/token`, {
      grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: SPA_CALLBACK, client_id: world.spa.clientId, code_verifier: verifier,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  });

  it('the request_uri is stored only as a hash; parameters sent next to it at authorize are ignored', async () => {
    const pushed = await push({ scope: 'openid', state: 'pushed-state' });
    const rows = await (await inspectDatabase(server.app.ctx)).selectFrom('pushed_authorization_requests').select('uri_hash').execute();
    assert.ok(rows.every((row) => !pushed.body.request_uri.includes(row.uri_hash)));
    const callback = await signIn(new TestBrowser(), server.issuer, {
      client_id: world.web.clientId, request_uri: pushed.body.request_uri, state: 'injected', redirect_uri: 'https://evil.example/cb',
    }, credentials());
    assert.equal(`${callback.origin}${callback.pathname}`, CALLBACK);
    assert.equal(callback.searchParams.get('state'), 'pushed-state');
  });

  it('attack: a request_uri used twice is refused the second time (single use)', async () => {
    const pushed = await push({});
    const first = await authorize({ client_id: world.web.clientId, request_uri: pushed.body.request_uri });
    assert.equal(first.status, 303);
    const again = await authorize({ client_id: world.web.clientId, request_uri: pushed.body.request_uri });
    assert.deepEqual(await pageError(again), { status: 400, error: 'invalid_request_uri', description: URI_REFUSED });
  });

  it('attack: ten simultaneous uses of one request_uri: exactly one proceeds', async () => {
    const pushed = await push({});
    const results = await Promise.all(Array.from({ length: 10 }, () => authorize({ client_id: world.web.clientId, request_uri: pushed.body.request_uri })));
    assert.deepEqual(results.map((r) => r.status).sort(), [303, ...Array(9).fill(400)]);
  });

  it('attack: another app\'s request_uri is refused, and stays usable for its own app', async () => {
    const pushed = await push({});
    const stolen = await authorize({ client_id: world.other.clientId, request_uri: pushed.body.request_uri });
    assert.deepEqual(await pageError(stolen), { status: 400, error: 'invalid_request_uri', description: URI_REFUSED });
    assert.equal((await authorize({ client_id: world.web.clientId, request_uri: pushed.body.request_uri })).status, 303);
  });

  it('attack: an expired request_uri (after 60 s) is refused', async () => {
    const pushed = await push({});
    clock.advance(60);
    const late = await authorize({ client_id: world.web.clientId, request_uri: pushed.body.request_uri });
    assert.deepEqual(await pageError(late), { status: 400, error: 'invalid_request_uri', description: URI_REFUSED });
  });

  it('a request_uri without client_id: an error page', async () => {
    const pushed = await push({});
    const res = await authorize({ request_uri: pushed.body.request_uri });
    assert.deepEqual(await pageError(res), {
      status: 400, error: 'invalid_request', description: 'the client_id parameter is missing: send it with the request_uri of a pushed authorization request',
    });
  });

  it('the push is validated like /connect/authorize and authenticated like /connect/token; errors are JSON', async () => {
    const badRedirect = await push({ redirect_uri: 'https://evil.example/cb' });
    assert.equal(badRedirect.status, 400);
    assert.equal(badRedirect.body.error, 'invalid_redirect_uri');
    assert.match(badRedirect.headers.get('content-type')!, /application\/json/);
    const badScope = await push({ scope: 'openid admin' });
    assert.deepEqual(badScope.body, { error: 'invalid_scope', error_description: 'the scope "admin" is not allowed for this app' });
    const noPkce = await postForm(parUrl(), { client_id: world.spa.clientId, response_type: 'code', redirect_uri: SPA_CALLBACK, scope: 'openid' });
    assert.equal(noPkce.body.error, 'invalid_request');
    const wrongSecret = await push({}, { basic: { clientId: world.web.clientId, secret: 'not-the-secret-of-this-app-at-all-000000' } });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const noAuth = await postForm(parUrl(), { client_id: world.web.clientId, response_type: 'code', redirect_uri: CALLBACK });
    assert.equal(noAuth.status, 401);
    const nested = await push({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' });
    assert.deepEqual(nested.body, { error: 'invalid_request', error_description: 'request_uri must not be pushed: push the authorization parameters themselves' });
    const mismatch = await push({ client_id: world.other.clientId });
    assert.deepEqual(mismatch.body, { error: 'invalid_request', error_description: 'client_id in the body differs from the client_id in the Authorization header' });
    const get = await fetch(parUrl());
    assert.equal(get.status, 405);
  });

  it('--require-par: an authorization request that was not pushed is refused with a clear description; a pushed one works', async () => {
    const apps = new AppService(server.app.ctx);
    await apps.update(world.other.clientId, { requirePar: true });
    try {
      const res = await authorize({ client_id: world.other.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'x' });
      assert.equal(res.status, 303);
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(
        location.searchParams.get('error_description'),
        'the app "other.app" must push its authorization requests: POST them to the pushed_authorization_request_endpoint ({issuer}/connect/par) and send only client_id and request_uri here',
      );
      const pushed = await push({}, { basic: world.other });
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      const callback = await signIn(new TestBrowser(), server.issuer, { client_id: world.other.clientId, request_uri: pushed.body.request_uri }, credentials());
      assert.ok(callback.searchParams.get('code'));
    } finally {
      await apps.update(world.other.clientId, { requirePar: false });
    }
  });
});
