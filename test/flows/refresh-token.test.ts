import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, mintCode, pkcePair, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { createTestUser } from '../support/fixtures.js';
import { AppService } from '../../src/admin/app-service.js';
import { pruneOnce } from '../../src/tokens/pruner.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { inspectDatabase } from '../support/inspect-database.js';

const REFUSED = 'refresh token is expired or invalid';

describeEachDatabase('refresh_token grant: rotation, reuse detection, scope, lifetime', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  let tokenUrl: string;
  const ctx = () => server.app.ctx;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
    tokenUrl = `${server.issuer}/connect/token`;
  });
  after(async () => server?.close());

  const web = () => ({ basic: { clientId: world.web.clientId, secret: world.web.secret } });
  async function signIn(scope = ['openid', 'profile', 'offline_access', 'read', 'update'], userId = world.user.id) {
    const code = await mintCode(ctx(), { clientId: world.web.clientId, userId, scope, nonce: 'abc' });
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, web());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, string>;
  }
  const refresh = (refreshToken: string, extra: Record<string, string> = {}, auth = web()) =>
    postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth);
  const userinfoStatus = async (accessToken: string) =>
    (await fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

  it('every refresh returns a new refresh token and a new access token; ID token again, without nonce', async () => {
    const first = await signIn();
    const res = await refresh(first.refresh_token!);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.notEqual(res.body.refresh_token, first.refresh_token);
    assert.notEqual(res.body.access_token, first.access_token);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.scope, 'openid profile offline_access read update');
    const id = decodeJwt(res.body.id_token).payload;
    const firstId = decodeJwt(first.id_token!).payload;
    assert.equal(id.nonce, undefined);
    assert.equal(id.sub, firstId.sub);
    assert.equal(id.auth_time, firstId.auth_time);
    assert.equal(id.sid, firstId.sid);
    assert.equal(decodeJwt(res.body.access_token).payload.sid, firstId.sid);
  });

  it('presenting a rotated refresh token is invalid_grant and revokes the whole family', async () => {
    const first = await signIn();
    const second = (await refresh(first.refresh_token!)).body;
    const third = (await refresh(second.refresh_token)).body;
    assert.equal(await userinfoStatus(third.access_token), 200);

    const reuse = await refresh(first.refresh_token!);
    assert.equal(reuse.status, 400);
    assert.deepEqual(reuse.body, {
      error: 'invalid_grant',
      error_description: `${REFUSED}: the refresh token was already used; every token of this sign-in is now revoked, sign the user in again`,
    });
    // the latest refresh token of the family no longer works ...
    const latest = await refresh(third.refresh_token);
    assert.deepEqual(latest.body, { error: 'invalid_grant', error_description: `${REFUSED}: the refresh token was revoked` });
    // ... and the access tokens issued in the family are on the deny list
    assert.equal(await userinfoStatus(first.access_token!), 401);
    assert.equal(await userinfoStatus(second.access_token), 401);
    assert.equal(await userinfoStatus(third.access_token), 401);
    const family = await (await inspectDatabase(ctx())).selectFrom('refresh_families').select(['revoked_at', 'revoked_reason']).where('revoked_reason', '=', 'reuse').execute();
    assert.equal(family.length, 1);
  });

  it('another family of the same user is not affected by a reuse', async () => {
    const a = await signIn();
    const b = await signIn();
    await refresh(a.refresh_token!);
    clock.advance(31); // after the reuse grace window
    await refresh(a.refresh_token!); // reuse: family A revoked
    assert.equal((await refresh(b.refresh_token!)).status, 200);
  });

  it('a refresh may narrow the scope; the refresh token keeps the granted scope', async () => {
    const first = await signIn();
    const narrowed = await refresh(first.refresh_token!, { scope: 'read' });
    assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
    assert.equal(narrowed.body.scope, 'read');
    assert.equal(decodeJwt(narrowed.body.access_token).payload.scope, 'read');
    assert.equal(narrowed.body.id_token, undefined, 'no ID token without openid');
    const full = await refresh(narrowed.body.refresh_token);
    assert.equal(full.body.scope, 'openid profile offline_access read update');
  });

  it('a refresh can never widen the scope: invalid_scope', async () => {
    const first = await signIn(['openid', 'offline_access', 'read']);
    const res = await refresh(first.refresh_token!, { scope: 'read update' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: 'invalid_scope',
      error_description: 'a refresh can only narrow the scope: "update" was not granted to this refresh token',
    });
    assert.equal((await refresh(first.refresh_token!)).status, 200, 'a refused request does not consume the token');
  });

  it('refresh_token is required', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'refresh_token' }, web());
    assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'refresh_token is required' });
  });

  it('an unknown refresh token: invalid_grant', async () => {
    const res = await refresh('made-up-refresh-token');
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: `${REFUSED}: the refresh token is unknown` });
  });

  it('a refresh token presented by another client: invalid_grant, and it is not consumed', async () => {
    const first = await signIn();
    const res = await refresh(first.refresh_token!, {}, { basic: { clientId: world.other.clientId, secret: world.other.secret } });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: `${REFUSED}: the refresh token was issued to another client` });
    assert.equal((await refresh(first.refresh_token!)).status, 200);
  });

  it('refresh tokens are stored only as SHA-256 hashes', async () => {
    const first = await signIn();
    const rows = await (await inspectDatabase(ctx())).selectFrom('refresh_tokens').select('token_hash').execute();
    assert.ok(rows.length > 0);
    assert.ok(rows.every((row) => row.token_hash !== first.refresh_token));
  });

  it('refused when the user was disabled', async () => {
    const { user } = await createTestUser(ctx(), { login: 'carol' });
    const first = await signIn(undefined, user.id);
    // straight in the store: the admin service would also revoke the families; this checks the grant's own rule
    await ctx().store.users.update({ ...user, enabled: false });
    const res = await refresh(first.refresh_token!);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: `${REFUSED}: the user is disabled` });
  });

  it('refused when the app no longer allows refresh tokens, or a granted scope was removed from it', async () => {
    const service = new AppService(ctx());
    const first = await signIn();
    await service.update(world.web.clientId, { allowRefreshTokens: false });
    try {
      const res = await refresh(first.refresh_token!);
      assert.deepEqual(res.body, { error: 'invalid_grant', error_description: `${REFUSED}: the app no longer allows refresh tokens` });
    } finally {
      await service.update(world.web.clientId, { allowRefreshTokens: true });
    }
    await service.update(world.web.clientId, { scopes: ['read'] });
    try {
      const res = await refresh(first.refresh_token!);
      assert.deepEqual(res.body, { error: 'invalid_grant', error_description: `${REFUSED}: the app no longer allows the scope "update"` });
    } finally {
      await service.update(world.web.clientId, { scopes: ['read', 'update'] });
    }
    assert.equal((await refresh(first.refresh_token!)).status, 200);
  });

  it('a disabled app: unauthorized_client', async () => {
    const service = new AppService(ctx());
    const first = await signIn();
    await service.disable(world.web.clientId);
    try {
      const res = await refresh(first.refresh_token!);
      assert.deepEqual(res.body, { error: 'unauthorized_client', error_description: 'the app "my.trusted.app/first" is disabled; ask an administrator to enable it' });
    } finally {
      await service.enable(world.web.clientId);
    }
  });

  it('a public app refreshes with client_id only; its family lives 24 hours from the sign-in, however often it refreshes', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await mintCode(ctx(), {
      clientId: world.spa.clientId, userId: world.user.id, redirectUri: 'https://spa.example.com/index.html',
      scope: ['openid', 'offline_access', 'read'], codeChallenge: challenge,
    });
    const first = await postForm(tokenUrl, {
      grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example.com/index.html', client_id: world.spa.clientId, code_verifier: verifier,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    let token = first.body.refresh_token as string;
    for (let hour = 0; hour < 23; hour += 1) {
      clock.advance(3600);
      const res = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: token, client_id: world.spa.clientId });
      assert.equal(res.status, 200, `hour ${hour}: ${JSON.stringify(res.body)}`);
      token = res.body.refresh_token;
    }
    clock.advance(3601);
    const expired = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: token, client_id: world.spa.clientId });
    assert.deepEqual(expired.body, { error: 'invalid_grant', error_description: `${REFUSED}: the refresh token expired; sign the user in again` });
  });

  it('a confidential app\'s family lives 30 days', async () => {
    const first = await signIn();
    clock.advance(30 * 86400 - 10);
    const ok = await refresh(first.refresh_token!);
    assert.equal(ok.status, 200);
    clock.advance(20);
    const expired = await refresh(ok.body.refresh_token);
    assert.deepEqual(expired.body, { error: 'invalid_grant', error_description: `${REFUSED}: the refresh token expired; sign the user in again` });
  });

  it('pruning removes expired families with their tokens, and codes an hour after they expired', async () => {
    const code = await mintCode(ctx(), { clientId: world.web.clientId, userId: world.user.id, scope: ['openid', 'offline_access'] });
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, web());
    const familyId = (await ctx().store.refresh.find(sha256(res.body.refresh_token)))!.family.id;
    const exists = async () => ({
      family: (await (await inspectDatabase(ctx())).selectFrom('refresh_families').select('id').where('id', '=', familyId).execute()).length,
      tokens: (await (await inspectDatabase(ctx())).selectFrom('refresh_tokens').select('token_hash').where('family_id', '=', familyId).execute()).length,
      code: (await ctx().store.codes.get(sha256(code))) ? 1 : 0,
    });
    await pruneOnce(ctx());
    assert.deepEqual(await exists(), { family: 1, tokens: 1, code: 1 });
    clock.advance(3600 + 120);
    await pruneOnce(ctx());
    assert.deepEqual(await exists(), { family: 1, tokens: 1, code: 0 });
    clock.advance(30 * 86400);
    await pruneOnce(ctx());
    assert.deepEqual(await exists(), { family: 0, tokens: 0, code: 0 });
  });
});
