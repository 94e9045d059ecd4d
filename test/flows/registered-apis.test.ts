import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { basicAuthorization, decodeJwt, mintCode, postForm, setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { ApiService } from '../../src/admin/api-service.js';
import { AppService } from '../../src/admin/app-service.js';
import { UserService } from '../../src/admin/user-service.js';

/**
 * Registered APIs (RFC 7662 2.1 protected resources): the audience of a token follows from its scopes; an
 * API introspects the tokens meant for it; the signed revocation feed is for APIs only.
 */
describeEachDatabase('registered APIs: token audience, introspection by an API, the revocation feed', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  let erp: { audience: string; secret: string };
  let billing: { audience: string; secret: string };
  const ctx = () => server.app.ctx;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    world = await setupTokenWorld(ctx());
    const apis = new ApiService(ctx());
    const created = await apis.create({ audience: 'https://erp.example.com/api', displayName: 'ERP', scopes: 'read update', generateSecret: true });
    erp = { audience: created.api.audience, secret: created.generatedSecret! };
    const other = await apis.create({ audience: 'billing-api', displayName: 'Billing', scopes: 'billing.read', generateSecret: true });
    billing = { audience: other.api.audience, secret: other.generatedSecret! };
    await new AppService(ctx()).update(world.web.clientId, { scopes: ['read', 'update', 'billing.read', 'legacy'] });
  });
  after(async () => server?.close());

  async function tokens(scope: string[], userId = world.user.id, client = world.web): Promise<Record<string, string>> {
    const code = await mintCode(ctx(), { clientId: client.clientId, userId, scope });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: client.clientId, secret: client.secret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, string>;
  }
  const introspect = (token: string, as: { audience: string; secret: string } | { clientId: string; secret: string }) =>
    postForm(`${server.issuer}/connect/introspect`, { token }, { basic: 'audience' in as ? { clientId: as.audience, secret: as.secret } : as });

  it("a token's aud names the registered APIs owning its scopes; scopes of no registered API keep API_AUDIENCE", async () => {
    assert.equal(decodeJwt((await tokens(['openid', 'read'])).access_token!).payload.aud, 'https://erp.example.com/api');
    assert.deepEqual(decodeJwt((await tokens(['read', 'billing.read'])).access_token!).payload.aud, ['billing-api', 'https://erp.example.com/api']);
    assert.deepEqual(decodeJwt((await tokens(['read', 'legacy'])).access_token!).payload.aud, ['https://erp.example.com/api', 'erp-api']);
    assert.equal(decodeJwt((await tokens(['openid'])).access_token!).payload.aud, 'erp-api', 'protocol scopes only: the default API');
  });

  it('a registered API introspects the tokens naming it: active with the claims; another API sees inactive', async () => {
    const { access_token, refresh_token } = await tokens(['openid', 'offline_access', 'read']);
    const claims = decodeJwt(access_token!).payload;
    const res = await introspect(access_token!, erp);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.body, {
      active: true,
      scope: 'openid offline_access read',
      client_id: world.web.clientId,
      username: 'alice',
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      sub: world.user.id,
      aud: 'https://erp.example.com/api',
      iss: server.issuer,
      jti: claims.jti,
    });
    assert.deepEqual((await introspect(access_token!, billing)).body, { active: false }, 'not in its aud');
    assert.deepEqual((await introspect(refresh_token!, erp)).body, { active: false }, 'refresh tokens are for their app only');
    // the app's own view is unchanged: its access and refresh tokens are active for it, not for another app
    assert.equal((await introspect(access_token!, world.web)).body.active, true);
    assert.equal((await introspect(refresh_token!, world.web)).body.active, true);
    assert.deepEqual((await introspect(access_token!, world.other)).body, { active: false });
  });

  it("an API's wrong secret is invalid_client; an API's token of a disabled app is inactive for the API", async () => {
    const wrong = await introspect('x', { audience: erp.audience, secret: 'not-the-secret-not-the-secret-not-the-secret' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { error: 'invalid_client', error_description: 'the secret of the API "https://erp.example.com/api" is wrong, revoked or expired' });
    const noSecret = await postForm(`${server.issuer}/connect/introspect`, { token: 'x', client_id: erp.audience });
    assert.deepEqual(noSecret.body, {
      error: 'invalid_client',
      error_description: 'the API "https://erp.example.com/api" authenticates with its secret (client_secret_basic or client_secret_post)',
    });
    const app = await createTestApp(ctx(), { clientId: 'soon.disabled', requireConsent: false });
    const { access_token } = await tokens(['read'], world.user.id, { clientId: app.app.clientId, secret: app.secret! });
    assert.equal((await introspect(access_token!, erp)).body.active, true);
    await new AppService(ctx()).disable(app.app.clientId);
    assert.deepEqual((await introspect(access_token!, erp)).body, { active: false });
  });

  it('RFC 9701: with Accept application/token-introspection+jwt the API gets the answer as a JWT the issuer signed', async () => {
    const { access_token } = await tokens(['read']);
    const jwks = (await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: [] };
    const raw = await fetch(`${server.issuer}/connect/introspect`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(erp.audience, erp.secret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/token-introspection+jwt' },
      body: new URLSearchParams({ token: access_token! }).toString(),
    });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type'), 'application/token-introspection+jwt');
    assert.equal(raw.headers.get('cache-control'), 'no-store');
    const { payload } = await jwtVerify(await raw.text(), createLocalJWKSet(jwks), {
      issuer: server.issuer,
      audience: erp.audience,
      typ: 'token-introspection+jwt',
    });
    const introspected = payload.token_introspection as Record<string, unknown>;
    assert.equal(introspected.active, true);
    assert.equal(introspected.jti, decodeJwt(access_token!).payload.jti);
    // an app asking the same gets plain JSON (RFC 9701 is for the protected resource)
    const asApp = await postForm(`${server.issuer}/connect/introspect`, { token: access_token! }, {
      basic: world.web,
      headers: { accept: 'application/token-introspection+jwt' },
    });
    assert.equal(asApp.body.active, true);
  });

  it('client_secret_post works for an API too', async () => {
    const { access_token } = await tokens(['read']);
    const res = await postForm(`${server.issuer}/connect/introspect`, { token: access_token!, client_id: erp.audience, client_secret: erp.secret });
    assert.equal(res.body.active, true);
  });

  const feed = (since?: string, authorization?: string) =>
    fetch(`${server.issuer}/connect/revocations${since === undefined ? '' : `?since=${encodeURIComponent(since)}`}`, {
      headers: authorization ? { authorization } : {},
    });
  async function readFeed(since = '0'): Promise<{ cursor: string; more: boolean; since: string; entries: Array<{ type: string; value: string; at: number; until: number }> }> {
    const res = await feed(since, basicAuthorization(erp.audience, erp.secret));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/jwt');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const jwks = (await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: [] };
    const { payload, protectedHeader } = await jwtVerify(await res.text(), createLocalJWKSet(jwks), {
      issuer: server.issuer,
      audience: erp.audience,
      typ: 'revocation-feed+jwt',
    });
    assert.equal(protectedHeader.typ, 'revocation-feed+jwt');
    return payload as never;
  }

  it('the feed lists, after the cursor, a revoked access token, a disabled user, a disabled app, a revoked refresh family', async () => {
    const start = await readFeed();
    const { access_token } = await tokens(['read']);
    await postForm(`${server.issuer}/connect/revocation`, { token: access_token! }, { basic: world.web });
    const { user } = await createTestUser(ctx(), { login: 'feed-user' });
    await new UserService(ctx()).disable(user.login);
    const app = await createTestApp(ctx(), { clientId: 'feed.app', requireConsent: false });
    await new AppService(ctx()).disable(app.app.clientId);
    const family = await tokens(['offline_access', 'read']);
    await postForm(`${server.issuer}/connect/revocation`, { token: family.refresh_token! }, { basic: world.web });

    const next = await readFeed(start.cursor);
    assert.equal(next.since, start.cursor);
    assert.equal(next.more, false);
    const now = Math.floor(Date.now() / 1000);
    assert.deepEqual(next.entries.map((e) => [e.type, e.value]), [
      ['jti', decodeJwt(access_token!).payload.jti],
      ['sub', user.id],
      ['client', 'feed.app'],
      ['jti', decodeJwt(family.access_token!).payload.jti],
    ]);
    const jtiEntry = next.entries[0]!;
    assert.equal(jtiEntry.until, decodeJwt(access_token!).payload.exp, 'a jti matters until its token expires');
    for (const entry of next.entries.slice(1, 3)) {
      assert.ok(entry.at >= now && entry.at <= now + 2, 'at: tokens issued before it are refused');
      assert.ok(entry.until >= entry.at + 3600 - 1, 'until: the longest access-token lifetime later');
    }
    const after = await readFeed(next.cursor);
    assert.deepEqual(after.entries, []);
    assert.equal(after.cursor, next.cursor);
  });

  it('the feed is for registered APIs only, with HTTP Basic; a malformed cursor is invalid_request', async () => {
    const anonymous = await feed('0');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), `Basic realm="${server.issuer}"`);
    assert.deepEqual(await anonymous.json(), {
      error: 'invalid_client',
      error_description: "the revocation feed is for registered APIs: authenticate with HTTP Basic (the API's audience and secret)",
    });
    const asApp = await feed('0', basicAuthorization(world.web.clientId, world.web.secret));
    assert.equal(asApp.status, 401);
    assert.deepEqual(await asApp.json(), {
      error: 'invalid_client',
      error_description: "the revocation feed is for registered APIs: authenticate with the API's audience and secret, not an app's",
    });
    const wrong = await feed('0', basicAuthorization(erp.audience, 'x'.repeat(43)));
    assert.equal(wrong.status, 401);
    for (const since of ['-1', 'abc', '1e3', '9'.repeat(16)]) {
      const res = await feed(since, basicAuthorization(erp.audience, erp.secret));
      assert.equal(res.status, 400, since);
      assert.deepEqual(await res.json(), {
        error: 'invalid_request',
        error_description: 'since must be the cursor of an earlier answer (a non-negative integer), or absent to start from the beginning',
      });
    }
    const post = await fetch(`${server.issuer}/connect/revocations`, { method: 'POST', headers: { authorization: basicAuthorization(erp.audience, erp.secret) } });
    assert.equal(post.status, 405);
  });

  it('discovery names the revocation feed', async () => {
    const doc = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.revocation_feed_endpoint, `${server.issuer}/connect/revocations`);
  });
});
