import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { mintCode, postForm, rotateKeysNow, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { ApiService } from '../../src/admin/api-service.js';
import { createTestApp } from '../support/fixtures.js';

/**
 * An access token's signature is verified once per process and remembered (src/tokens/verified-token-cache.ts).
 * Each attack below first uses the token successfully, so that it is remembered, and then changes what
 * must make it fail: the remembered signature check must not carry the token past any of them.
 */
describeEachDatabase('remembered access-token verifications never outlive what made the token valid', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  const ctx = () => server.app.ctx;
  const userinfo = () => `${server.issuer}/connect/userinfo`;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
  });
  after(async () => server?.close());

  async function accessToken(scope: string[], app: { clientId: string; secret: string } = world.web): Promise<string> {
    const code = await mintCode(ctx(), { clientId: app.clientId, userId: world.user.id, scope });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: app.clientId, secret: app.secret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.access_token as string;
  }
  const get = (token: string) => fetch(userinfo(), { headers: { authorization: `Bearer ${token}` } });
  async function refused(token: string, description: string): Promise<void> {
    const res = await get(token);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: description });
  }
  async function usedTwice(token: string): Promise<void> {
    assert.equal((await get(token)).status, 200);
    assert.equal((await get(token)).status, 200);
  }

  it('expiry: a remembered token is refused once it expires', async () => {
    const token = await accessToken(['openid']);
    await usedTwice(token);
    clock.advance(3600 + 6);
    await refused(token, 'the access token expired');
  });

  it('revocation: a remembered token is refused once revoked (the deny list is read at every use)', async () => {
    const token = await accessToken(['openid']);
    await usedTwice(token);
    const rev = await postForm(`${server.issuer}/connect/revocation`, { token }, { basic: { clientId: world.web.clientId, secret: world.web.secret } });
    assert.equal(rev.status, 200);
    await refused(token, 'the access token was revoked');
  });

  it('a tampered copy of a remembered token is verified afresh and refused', async () => {
    const token = await accessToken(['openid']);
    await usedTwice(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, scope: 'openid profile email' })).toString('base64url'), signature].join('.');
    await refused(forged, 'the access token signature is invalid');
    const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    await refused(flipped, 'the access token signature is invalid');
  });

  it('its key: a remembered token is refused once its key is no longer published', async () => {
    const token = await accessToken(['openid']);
    await usedTwice(token);
    await rotateKeysNow(ctx(), 1);
    clock.advance(60);
    await refused(token, 'the access token was not signed by a key of this server');
  });

  it('its audience: a remembered token is refused once the API it was issued for is deleted', async () => {
    const api = new ApiService(ctx());
    await api.create({ audience: 'https://hr.example/api', displayName: 'HR', scopes: ['hr.read'], generateSecret: true });
    const hr = await createTestApp(ctx(), { clientId: 'hr.app', scopes: ['hr.read'], requireConsent: false });
    const token = await accessToken(['openid', 'hr.read'], { clientId: hr.app.clientId, secret: hr.secret! });
    const aud = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).aud;
    assert.deepEqual([aud].flat(), ['https://hr.example/api']);
    await usedTwice(token);
    await api.delete('https://hr.example/api');
    await refused(token, 'the access token is not meant for this server (aud)');
  });
});
