import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { describeEachDatabase, testKeyEnv } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, mintCode, pkcePair, postForm, rotateKeysNow, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, getAuthorizationCode } from '../support/browser.js';
import { createTestUser } from '../support/fixtures.js';

describeEachDatabase('userinfo (OpenID Connect Core 5.3, RFC 6750)', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  let userinfoUrl: string;
  const ctx = () => server.app.ctx;

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
    userinfoUrl = `${server.issuer}/connect/userinfo`;
  });
  after(async () => server?.close());

  async function tokens(scope: string[], userId = world.user.id): Promise<Record<string, string>> {
    const code = await mintCode(ctx(), { clientId: world.web.clientId, userId, scope });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Record<string, string>;
  }
  const get = (token: string) => fetch(userinfoUrl, { headers: { authorization: `Bearer ${token}` } });

  it('after a real sign-in, returns the claims the granted scopes allow (GET)', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, {
      response_type: 'code', client_id: world.web.clientId, redirect_uri: 'https://app.example.com/callback',
      scope: 'openid profile email read', state: 'st', nonce: 'nn', code_challenge: challenge, code_challenge_method: 'S256',
    }, { login: world.user.login, password: world.user.password });
    const tokenRes = await postForm(`${server.issuer}/connect/token`, {
      grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback', code_verifier: verifier,
    }, { basic: { clientId: world.web.clientId, secret: world.web.secret } });
    assert.equal(tokenRes.status, 200, JSON.stringify(tokenRes.body));
    assert.equal(decodeJwt(tokenRes.body.id_token).payload.nonce, 'nn');
    const res = await get(tokenRes.body.access_token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), {
      sub: world.user.id,
      name: 'Alice Example',
      preferred_username: 'alice',
      locale: 'en-GB',
      email: 'alice@example.com',
      email_verified: true,
    });
  });

  it('openid alone yields only sub', async () => {
    const { access_token } = await tokens(['openid', 'read']);
    assert.deepEqual(await (await get(access_token!)).json(), { sub: world.user.id });
  });

  it('POST with the Authorization header, and POST with the token in a form body', async () => {
    const { access_token } = await tokens(['openid', 'email']);
    const viaHeader = await fetch(userinfoUrl, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(viaHeader.status, 200);
    assert.deepEqual(await viaHeader.json(), { sub: world.user.id, email: 'alice@example.com', email_verified: true });
    const viaBody = await postForm(userinfoUrl, { access_token: access_token! });
    assert.equal(viaBody.status, 200);
    assert.equal(viaBody.body.sub, world.user.id);
  });

  it('POST with the header ignores a non-form body; a token in a JSON body is refused', async () => {
    const { access_token } = await tokens(['openid']);
    const ok = await fetch(userinfoUrl, { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(ok.status, 200);
    const json = await fetch(userinfoUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token }) });
    assert.equal(json.status, 400);
    assert.deepEqual(await json.json(), { error: 'invalid_request', error_description: 'the request body must be application/x-www-form-urlencoded, not application/json' });
  });

  it('no token: 401 with a bare Bearer challenge (RFC 6750 3.1)', async () => {
    const res = await fetch(userinfoUrl);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), `Bearer realm="${server.issuer}"`);
    assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: 'an access token is required: send it as "Authorization: Bearer <token>"' });
  });

  it('a token in the query string is refused', async () => {
    const { access_token } = await tokens(['openid']);
    const res = await fetch(`${userinfoUrl}?access_token=${access_token}`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_request', error_description: 'send the access token in the Authorization header, never in the URL' });
  });

  it('a token both in the header and in the body is refused', async () => {
    const { access_token } = await tokens(['openid']);
    const res = await postForm(userinfoUrl, { access_token: access_token! }, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'send the access token once: in the Authorization header or in the body, not both' });
  });

  const expectInvalidToken = async (res: Response, description: string) => {
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: description });
    assert.equal(res.headers.get('www-authenticate'), `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`);
  };

  it('a malformed token: 401 invalid_token', async () => {
    await expectInvalidToken(await get('not-a-jwt'), 'the access token is malformed');
  });

  it('a tampered token: 401 invalid_token', async () => {
    const { access_token } = await tokens(['openid']);
    const [h, p, s] = access_token!.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.sub = 'someone-else';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expectInvalidToken(await get(forged), 'the access token signature is invalid');
  });

  it('a token signed by a foreign key: 401 invalid_token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ client_id: world.web.clientId, scope: 'openid', jti: 'x', sub: world.user.id })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'foreign-key' })
      .setIssuer(server.issuer).setAudience('erp-api').setIssuedAt().setExpirationTime('1h')
      .sign(privateKey);
    await expectInvalidToken(await get(foreign), 'the access token was not signed by a key of this server');
  });

  it('a token of another issuer (even signed with our key) and an ID token are refused', async () => {
    const key = await ctx().keys.current();
    const iat = Math.floor(clock.now() / 1000);
    const otherIssuer = await new SignJWT({ client_id: world.web.clientId, scope: 'openid', jti: 'y', sub: world.user.id })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: key.kid })
      .setIssuer('https://evil.example/id').setAudience('erp-api').setIssuedAt(iat).setExpirationTime(iat + 3600)
      .sign(key.privateKey);
    await expectInvalidToken(await get(otherIssuer), 'the access token was issued by another issuer');
    const { id_token } = await tokens(['openid']);
    await expectInvalidToken(await get(id_token!), 'the token is not an access token (typ must be at+jwt)');
  });

  it('an expired token: 401 invalid_token', async () => {
    const { access_token } = await tokens(['openid']);
    clock.advance(3600 + 6);
    await expectInvalidToken(await get(access_token!), 'the access token expired');
  });

  it('a revoked token: 401 invalid_token', async () => {
    const { access_token } = await tokens(['openid']);
    const rev = await postForm(`${server.issuer}/connect/revocation`, { token: access_token! }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal(rev.status, 200);
    await expectInvalidToken(await get(access_token!), 'the access token was revoked');
  });

  it('a disabled user: 401 invalid_token', async () => {
    const { user } = await createTestUser(ctx(), { login: 'dave' });
    const { access_token } = await tokens(['openid'], user.id);
    assert.equal((await get(access_token!)).status, 200);
    await ctx().store.users.update({ ...user, enabled: false });
    await expectInvalidToken(await get(access_token!), 'the user of this access token is disabled or no longer exists');
  });

  it('without openid: 403 insufficient_scope', async () => {
    const { access_token } = await tokens(['read']);
    const res = await get(access_token!);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="openid"');
    assert.deepEqual(await res.json(), { error: 'insufficient_scope', error_description: 'this request needs the scope "openid"' });
  });

  it('a token signed before a key rotation still validates after it; new tokens use the new key', async () => {
    const before = await tokens(['openid']);
    const oldKid = decodeJwt(before.access_token!).header.kid;
    const newKid = await rotateKeysNow(ctx(), 7200);
    assert.notEqual(newKid, oldKid);
    const afterRotation = await get(before.access_token!);
    assert.equal(afterRotation.status, 200, await afterRotation.text());
    const after = await tokens(['openid']);
    assert.equal(decodeJwt(after.access_token!).header.kid, newKid);
    assert.equal((await get(after.access_token!)).status, 200);
    assert.equal((await get(before.access_token!)).status, 200);
  });
});

describeEachDatabase('userinfo on a second node after a key rotation made elsewhere', (database) => {
  let nodeA: TestServer;
  let nodeB: import('../../src/app.js').RunningApp;
  let nodeBBase: string;
  let world: TokenWorld;

  before(async () => {
    nodeA = await startTestServer({ databaseUrl: database().url });
    world = await setupTokenWorld(nodeA.app.ctx);
    const { loadConfig } = await import('../../src/config/config.js');
    const { createApp } = await import('../../src/app.js');
    const { freePort } = await import('../support/server.js');
    const port = await freePort();
    // same issuer and database, another listener: a second node behind the same name
    nodeB = await createApp(loadConfig({ ISSUER_URL: nodeA.issuer, DATABASE_URL: database().url, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(port), ...testKeyEnv(database().url) }));
    await nodeB.server.listen({ port, host: '127.0.0.1' });
    nodeBBase = `http://127.0.0.1:${port}/id`;
  });
  after(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  it('a token signed with a key node B has not loaded yet validates at node B at once', async () => {
    // node B validates a token first, so its key ring is loaded and fresh
    const code1 = await mintCode(nodeA.app.ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['openid'] });
    const t1 = await postForm(`${nodeA.issuer}/connect/token`, { grant_type: 'authorization_code', code: code1, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal((await fetch(`${nodeBBase}/connect/userinfo`, { headers: { authorization: `Bearer ${t1.body.access_token}` } })).status, 200);

    const newKid = await rotateKeysNow(nodeA.app.ctx, 3600);
    const code2 = await mintCode(nodeA.app.ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['openid'] });
    const t2 = await postForm(`${nodeA.issuer}/connect/token`, { grant_type: 'authorization_code', code: code2, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal(decodeJwt(t2.body.access_token).header.kid, newKid);
    const res = await fetch(`${nodeBBase}/connect/userinfo`, { headers: { authorization: `Bearer ${t2.body.access_token}` } });
    assert.equal(res.status, 200, await res.text());
    // and the token signed before the rotation still validates at both nodes
    assert.equal((await fetch(`${nodeBBase}/connect/userinfo`, { headers: { authorization: `Bearer ${t1.body.access_token}` } })).status, 200);
    assert.equal((await fetch(`${nodeA.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${t1.body.access_token}` } })).status, 200);
  });
});
