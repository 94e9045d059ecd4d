import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startErpApi, type RunningErpApi } from '../../examples/erp-api/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, mintCode, postForm } from '../support/token-helpers.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { ApiService } from '../../src/admin/api-service.js';
import { AppService } from '../../src/admin/app-service.js';
import { UserService } from '../../src/admin/user-service.js';
import { randomToken, sha256 } from '../../src/tokens/opaque.js';

/**
 * The sample ERP API on the real server, learning of revocations through the signed feed (one poll,
 * forced here instead of waited for) or by introspection: a revoked token, a disabled user's token, a
 * disabled app's token and a signed-out session's token are refused with RFC 6750 invalid_token.
 */
describeEachDatabase('examples/erp-api: revoked tokens are refused after the next poll', (database) => {
  let server: TestServer;
  let feedApi: RunningErpApi;
  let introspectingApi: RunningErpApi;
  let apiSecret: string;
  const ctx = () => server.app.ctx;
  const apps: Record<string, { clientId: string; secret: string }> = {};

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    const created = await new ApiService(ctx()).create({ audience: 'erp-api', displayName: 'ERP API', scopes: 'read update', generateSecret: true });
    apiSecret = created.generatedSecret!;
    for (const clientId of ['erp.web', 'erp.doomed']) {
      const app = await createTestApp(ctx(), { clientId, requireConsent: false });
      apps[clientId] = { clientId, secret: app.secret! };
    }
    const credentials = { clientId: 'erp-api', clientSecret: apiSecret };
    const common = { issuer: server.issuer, audience: 'erp-api', databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1' };
    // a long interval: only the forced polls below run during the test
    feedApi = await startErpApi({ ...common, revocation: { feed: { ...credentials, intervalMs: 3_600_000, maxStalenessMs: 3_600_000 } } });
    introspectingApi = await startErpApi({ ...common, revocation: { introspection: { ...credentials, cacheMs: 0 } } });
  });
  after(async () => {
    await feedApi?.close();
    await introspectingApi?.close();
    await server?.close();
  });

  async function tokenFor(login: string, clientId = 'erp.web', sid?: string): Promise<string> {
    return (await tokensFor(login, clientId, sid)).access_token!;
  }
  async function tokensFor(login: string, clientId = 'erp.web', sid?: string): Promise<Record<string, string>> {
    const user = (await ctx().store.users.getByLogin(login)) ?? (await createTestUser(ctx(), { login })).user;
    const code = await mintCode(ctx(), { clientId, userId: user.id, scope: ['openid', 'read'], ...(sid ? { sid } : {}) });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: apps[clientId]!,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, string>;
  }
  const me = (api: RunningErpApi, token: string) => fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  async function refused(api: RunningErpApi, token: string, description: string): Promise<void> {
    const res = await me(api, token);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), `Bearer realm="erp-api", error="invalid_token", error_description="${description.replace(/"/g, "'")}"`);
    assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: description });
  }

  it('a token revoked at /connect/revocation', async () => {
    const token = await tokenFor('rita');
    const bystander = await tokenFor('bystander');
    assert.equal((await me(feedApi, token)).status, 200);
    await postForm(`${server.issuer}/connect/revocation`, { token }, { basic: apps['erp.web']! });
    await feedApi.verifier.pollRevocations();
    await refused(feedApi, token, 'the access token was revoked');
    await refused(introspectingApi, token, 'the access token is not active: the issuer says it was revoked, has expired or is unknown');
    assert.equal((await me(feedApi, bystander)).status, 200, 'other tokens still pass');
  });

  it("a disabled user's token", async () => {
    const token = await tokenFor('dora');
    assert.equal((await me(feedApi, token)).status, 200);
    await new UserService(ctx()).disable('dora');
    await feedApi.verifier.pollRevocations();
    await refused(feedApi, token, "the access token was revoked: its user's access ended after it was issued (user disabled or password changed)");
    await refused(introspectingApi, token, 'the access token is not active: the issuer says it was revoked, has expired or is unknown');
  });

  it("a user's token after their password changed; a token issued after the change passes", async () => {
    const token = await tokenFor('pete');
    await new UserService(ctx()).setPassword('pete', 'another correct horse battery staple');
    await feedApi.verifier.pollRevocations();
    await refused(feedApi, token, "the access token was revoked: its user's access ended after it was issued (user disabled or password changed)");
    // tokens issued in the same second as the change count as before it: wait for the next second
    const changedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1000 - (changedAt % 1000) + 5));
    const fresh = await tokenFor('pete');
    assert.equal((await me(feedApi, fresh)).status, 200);
  });

  it("a disabled app's token", async () => {
    const token = await tokenFor('anna', 'erp.doomed');
    assert.equal((await me(feedApi, token)).status, 200);
    await new AppService(ctx()).disable('erp.doomed');
    await feedApi.verifier.pollRevocations();
    await refused(feedApi, token, 'the access token was revoked: the app it was issued to was disabled or deleted after it was issued');
    await refused(introspectingApi, token, 'the access token is not active: the issuer says it was revoked, has expired or is unknown');
  });

  it("a signed-out session's token", async () => {
    const now = Date.now();
    const { user } = await createTestUser(ctx(), { login: 'sam' });
    const cookie = randomToken(32);
    await ctx().store.sessions.insert({
      idHash: sha256(cookie), sid: 'sid-of-sam', userId: user.id, authTime: Math.floor(now / 1000), amr: ['pwd'],
      createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000, endedAt: null,
    });
    const { access_token: token, id_token: idToken } = await tokensFor('sam', 'erp.web', 'sid-of-sam');
    assert.equal(decodeJwt(token!).payload.sid, 'sid-of-sam');
    assert.equal((await me(feedApi, token!)).status, 200);
    // RP-initiated logout with the ID token as hint: the session ends without a confirmation page
    const logout = await fetch(`${server.issuer}/connect/endsession?id_token_hint=${idToken}`, { headers: { cookie: `tg_session=${cookie}` }, redirect: 'manual' });
    assert.ok(logout.status < 500);
    assert.ok((await ctx().store.sessions.get(sha256(cookie)))?.endedAt, 'the session ended');
    await feedApi.verifier.pollRevocations();
    await refused(feedApi, token!, 'the access token was revoked: the session it was issued in has ended (signed out)');
  });

  it('a wrong API secret: the feed cannot be read and the API answers 503 temporarily_unavailable (fail closed)', async () => {
    const broken = await startErpApi({
      issuer: server.issuer, audience: 'erp-api', databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1',
      revocation: { feed: { clientId: 'erp-api', clientSecret: 'w'.repeat(43), intervalMs: 3_600_000 } },
    });
    try {
      await assert.rejects(broken.verifier.pollRevocations());
      const res = await me(broken, await tokenFor('bystander'));
      assert.equal(res.status, 503);
      assert.equal((await res.json() as { error: string }).error, 'temporarily_unavailable');
    } finally {
      await broken.close();
    }
  });
});
