import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, mintCode, pkcePair, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { pruneOnce } from '../../src/tokens/pruner.js';
import { inspectDatabase } from '../support/inspect-database.js';

describeEachDatabase('revocation (RFC 7009)', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  let revocationUrl: string;
  const ctx = () => server.app.ctx;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
    revocationUrl = `${server.issuer}/connect/revocation`;
  });
  after(async () => server?.close());

  const web = () => ({ basic: { clientId: world.web.clientId, secret: world.web.secret } });
  async function signIn(): Promise<Record<string, string>> {
    const code = await mintCode(ctx(), { clientId: world.web.clientId, userId: world.user.id, scope: ['openid', 'offline_access', 'read'] });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, web());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, string>;
  }
  const refresh = (token: string) => postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: token }, web());
  const userinfoStatus = async (token: string) =>
    (await fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('revoking a refresh token revokes its family and the access tokens issued in it', async () => {
    const first = await signIn();
    const second = (await refresh(first.refresh_token!)).body;
    const res = await postForm(revocationUrl, { token: second.refresh_token, token_type_hint: 'refresh_token' }, web());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual((await refresh(second.refresh_token)).body, {
      error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token was revoked',
    });
    assert.equal(await userinfoStatus(first.access_token!), 401);
    assert.equal(await userinfoStatus(second.access_token), 401);
  });

  it('revoking an access token deny-lists its jti until it would have expired; the refresh token keeps working', async () => {
    const first = await signIn();
    assert.equal(await userinfoStatus(first.access_token!), 200);
    const res = await postForm(revocationUrl, { token: first.access_token!, token_type_hint: 'access_token' }, web());
    assert.equal(res.status, 200);
    assert.equal(await userinfoStatus(first.access_token!), 401);
    const { jti, exp } = decodeJwt(first.access_token!).payload;
    const row = await (await inspectDatabase(ctx())).selectFrom('revoked_access_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
    assert.equal(row?.expires_at, exp * 1000);
    assert.equal((await refresh(first.refresh_token!)).status, 200);
  });

  it('the hint is only a hint: a refresh token sent with token_type_hint=access_token is still revoked', async () => {
    const first = await signIn();
    assert.equal((await postForm(revocationUrl, { token: first.refresh_token!, token_type_hint: 'access_token' }, web())).status, 200);
    assert.equal((await refresh(first.refresh_token!)).status, 400);
  });

  it('another client\'s tokens answer 200 but are not revoked', async () => {
    const first = await signIn();
    const asOther = { basic: { clientId: world.other.clientId, secret: world.other.secret } };
    assert.equal((await postForm(revocationUrl, { token: first.refresh_token! }, asOther)).status, 200);
    assert.equal((await postForm(revocationUrl, { token: first.access_token! }, asOther)).status, 200);
    assert.equal(await userinfoStatus(first.access_token!), 200);
    assert.equal((await refresh(first.refresh_token!)).status, 200);
  });

  it('unknown and malformed tokens answer 200', async () => {
    for (const token of ['unknown-token', 'a.b.c', 'x'.repeat(9000)]) {
      const res = await postForm(revocationUrl, { token }, web());
      assert.equal(res.status, 200);
    }
  });

  it('a public app revokes with client_id only', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await mintCode(ctx(), {
      clientId: world.spa.clientId, userId: world.user.id, redirectUri: 'https://spa.example.com/index.html',
      scope: ['openid', 'offline_access', 'read'], codeChallenge: challenge,
    });
    const tokens = await postForm(`${server.issuer}/connect/token`, {
      grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example.com/index.html', client_id: world.spa.clientId, code_verifier: verifier,
    });
    assert.equal(tokens.status, 200);
    const res = await postForm(revocationUrl, { token: tokens.body.refresh_token, client_id: world.spa.clientId });
    assert.equal(res.status, 200);
    const again = await postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: world.spa.clientId });
    assert.equal(again.body.error, 'invalid_grant');
  });

  it('requires client authentication and a token', async () => {
    const noClient = await postForm(revocationUrl, { token: 'x' });
    assert.equal(noClient.status, 401);
    assert.equal(noClient.body.error, 'invalid_client');
    const wrongSecret = await postForm(revocationUrl, { token: 'x' }, { basic: { clientId: world.web.clientId, secret: 'wrong'.repeat(10) } });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.headers.get('www-authenticate'), `Basic realm="${server.issuer}"`);
    const noToken = await postForm(revocationUrl, {}, web());
    assert.deepEqual(noToken.body, { error: 'invalid_request', error_description: 'token is required' });
  });

  it('deny-list entries are pruned once the token has expired', async () => {
    const first = await signIn();
    await postForm(revocationUrl, { token: first.access_token! }, web());
    const { jti } = decodeJwt(first.access_token!).payload;
    const count = async () => (await (await inspectDatabase(ctx())).selectFrom('revoked_access_tokens').select('jti').where('jti', '=', jti).execute()).length;
    await pruneOnce(ctx());
    assert.equal(await count(), 1);
    clock.advance(3601);
    await pruneOnce(ctx());
    assert.equal(await count(), 0);
  });
});
