import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, mintCode, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { createTestUser } from '../support/fixtures.js';

describeEachDatabase('introspection (RFC 7662)', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  let introspectUrl: string;
  const ctx = () => server.app.ctx;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
    introspectUrl = `${server.issuer}/connect/introspect`;
  });
  after(async () => server?.close());

  const web = () => ({ basic: { clientId: world.web.clientId, secret: world.web.secret } });
  async function signIn(userId = world.user.id): Promise<Record<string, string>> {
    const code = await mintCode(ctx(), { clientId: world.web.clientId, userId, scope: ['openid', 'offline_access', 'read'] });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, web());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, string>;
  }
  const introspect = (token: string, auth = web()) => postForm(introspectUrl, { token }, auth);
  const inactive = async (token: string, auth = web()) => {
    const res = await introspect(token, auth);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { active: false });
  };

  it('an active access token: active plus its claims', async () => {
    const { access_token } = await signIn();
    const res = await introspect(access_token!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const claims = decodeJwt(access_token!).payload;
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
      aud: 'erp-api',
      iss: server.issuer,
      jti: claims.jti,
    });
  });

  it('an active refresh token: active, until it is rotated', async () => {
    const { refresh_token } = await signIn();
    const res = await introspect(refresh_token!);
    assert.equal(res.body.active, true);
    assert.equal(res.body.client_id, world.web.clientId);
    assert.equal(res.body.username, 'alice');
    assert.equal(res.body.sub, world.user.id);
    assert.equal(res.body.scope, 'openid offline_access read');
    assert.equal(res.body.exp, Math.floor(clock.now() / 1000) + 30 * 86400);
    const rotated = await postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: refresh_token! }, web());
    assert.equal(rotated.status, 200);
    await inactive(refresh_token!);
    assert.equal((await introspect(rotated.body.refresh_token)).body.active, true);
  });

  it('revoked tokens are inactive', async () => {
    const { access_token, refresh_token } = await signIn();
    await postForm(`${server.issuer}/connect/revocation`, { token: access_token! }, web());
    await postForm(`${server.issuer}/connect/revocation`, { token: refresh_token! }, web());
    await inactive(access_token!);
    await inactive(refresh_token!);
  });

  it('unknown, malformed and foreign-client tokens are inactive', async () => {
    const { access_token, refresh_token } = await signIn();
    await inactive('unknown');
    await inactive('a.b.c');
    const asOther = { basic: { clientId: world.other.clientId, secret: world.other.secret } };
    await inactive(access_token!, asOther);
    await inactive(refresh_token!, asOther);
  });

  it('tokens of a disabled user are inactive', async () => {
    const { user } = await createTestUser(ctx(), { login: 'erin' });
    const { access_token, refresh_token } = await signIn(user.id);
    assert.equal((await introspect(access_token!)).body.active, true);
    await ctx().store.users.update({ ...user, enabled: false });
    await inactive(access_token!);
    await inactive(refresh_token!);
  });

  it('expired access tokens are inactive', async () => {
    const { access_token } = await signIn();
    clock.advance(3600 + 6);
    await inactive(access_token!);
  });

  it('public apps cannot introspect: invalid_client 401', async () => {
    const res = await postForm(introspectUrl, { token: 'x', client_id: world.spa.clientId });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'invalid_client',
      error_description: 'public apps cannot introspect tokens: introspection is for confidential apps that authenticate with a secret',
    });
  });

  it('requires client authentication and a token', async () => {
    const res = await postForm(introspectUrl, { token: 'x' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    const noToken = await postForm(introspectUrl, {}, web());
    assert.deepEqual(noToken.body, { error: 'invalid_request', error_description: 'token is required' });
  });
});
