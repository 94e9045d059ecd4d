import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  basicAuthorization, decodeJwt, mintCode, pkcePair, postForm, setupTokenWorld, testClock, type TokenWorld,
} from '../support/token-helpers.js';
import { AppService } from '../../src/admin/app-service.js';
import { inspectDatabase } from '../support/inspect-database.js';

describeEachDatabase('token endpoint: request format, client authentication, authorization_code', (database) => {
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

  const webCode = (options: Partial<Parameters<typeof mintCode>[1]> = {}) =>
    mintCode(ctx(), { clientId: world.web.clientId, userId: world.user.id, ...options });
  const redeem = (code: string, extra: Record<string, string> = {}) =>
    postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback', ...extra }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });

  // --- request format -------------------------------------------------------------------------
  it('refuses a JSON body with invalid_request (form-urlencoded only)', async () => {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuthorization(world.web.clientId, world.web.secret) },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://app.example.com/callback' }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: 'invalid_request',
      error_description: 'the request body must be application/x-www-form-urlencoded, not application/json',
    });
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('refuses other media types (text/plain) with invalid_request', async () => {
    const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=authorization_code' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_request', error_description: 'the request body must be application/x-www-form-urlencoded, not text/plain' });
  });

  it('refuses a request without a body', async () => {
    const res = await fetch(tokenUrl, { method: 'POST' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: 'invalid_request',
      error_description: 'the request body must be application/x-www-form-urlencoded',
    });
  });

  it('other methods than POST: 405 invalid_request with Allow', async () => {
    const res = await fetch(tokenUrl);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST, OPTIONS');
    assert.deepEqual(await res.json(), { error: 'invalid_request', error_description: 'use POST at this endpoint' });
  });

  it('refuses repeated parameters', async () => {
    const code = await webCode();
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: [code, code], redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'the parameter code must not be repeated' });
  });

  it('requires grant_type', async () => {
    const res = await postForm(tokenUrl, { code: 'x' }, { basic: { clientId: world.web.clientId, secret: world.web.secret } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'grant_type is required' });
  });

  it('answers unsupported_grant_type to other grant types', async () => {
    for (const grantType of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code']) {
      const res = await postForm(tokenUrl, { grant_type: grantType }, { basic: { clientId: world.web.clientId, secret: world.web.secret } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        error: 'unsupported_grant_type',
        error_description: `grant_type "${grantType}" is not supported; interactive apps use authorization_code and refresh_token`,
      });
    }
  });

  // --- client authentication ------------------------------------------------------------------
  it('unknown client_id: invalid_client 401', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://a.example/cb', client_id: 'nobody.app' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: 'invalid_client', error_description: 'no Trusted Application is registered with client_id "nobody.app"' });
    assert.equal(res.headers.get('www-authenticate'), null);
  });

  it('unknown client_id with Basic: 401 with WWW-Authenticate: Basic', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://a.example/cb' }, {
      basic: { clientId: 'nobody.app', secret: 'x'.repeat(43) },
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.equal(res.headers.get('www-authenticate'), `Basic realm="${server.issuer}"`);
  });

  it('no client authentication at all: invalid_client', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://a.example/cb' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'invalid_client',
      error_description: 'client authentication is required: send client_id (public apps) or the client credentials (confidential apps)',
    });
  });

  it('confidential app without its secret: invalid_client', async () => {
    const code = await webCode();
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback', client_id: world.web.clientId });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'invalid_client',
      error_description: 'the app "my.trusted.app/first" is confidential: authenticate with its client secret (client_secret_basic or client_secret_post)',
    });
  });

  it('wrong secret with client_secret_basic: 401 + WWW-Authenticate Basic, the secret is never echoed', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: 'wrong-secret-value-wrong-secret-value' },
    });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: 'invalid_client', error_description: 'the client secret of "my.trusted.app/first" is wrong, revoked or expired' });
    assert.equal(res.headers.get('www-authenticate'), `Basic realm="${server.issuer}"`);
  });

  it('wrong secret with client_secret_post: 401 without a Basic challenge', async () => {
    const res = await postForm(tokenUrl, {
      grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://app.example.com/callback',
      client_id: world.web.clientId, client_secret: `${world.web.secret}x`,
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.equal(res.headers.get('www-authenticate'), null);
  });

  it('client_secret_post with the right secret works', async () => {
    const code = await webCode();
    const res = await postForm(tokenUrl, {
      grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback',
      client_id: world.web.clientId, client_secret: world.web.secret,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  it('both client_secret_basic and client_secret_post: invalid_request', async () => {
    const res = await postForm(tokenUrl, {
      grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://app.example.com/callback', client_secret: world.web.secret,
    }, { basic: { clientId: world.web.clientId, secret: world.web.secret } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: 'invalid_request',
      error_description: 'use one client authentication method: the client secret was sent both in the Authorization header and in the body',
    });
  });

  it('malformed Basic credentials: invalid_client', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code' }, { headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.equal(res.headers.get('www-authenticate'), `Basic realm="${server.issuer}"`);
  });

  it('public app sending a secret: invalid_client', async () => {
    const res = await postForm(tokenUrl, {
      grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://spa.example.com/index.html',
      client_id: world.spa.clientId, client_secret: 'a'.repeat(40),
    });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'invalid_client',
      error_description: 'the app "com.vendor/spa" is public and must not send a client secret; send only client_id (and use PKCE)',
    });
  });

  it('any active secret works during a rotation; a revoked one does not', async () => {
    const service = new AppService(ctx());
    const added = await service.addSecret(world.other.clientId, { generateSecret: true });
    const second = added.generatedSecret!;
    const code1 = await mintCode(ctx(), { clientId: world.other.clientId, userId: world.user.id, scope: ['openid'] });
    const ok = await postForm(tokenUrl, { grant_type: 'authorization_code', code: code1, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.other.clientId, secret: second },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const firstId = (await service.listSecrets(world.other.clientId)).find((s) => s.id !== added.secret.id)!.id;
    await service.revokeSecret(world.other.clientId, firstId);
    const code2 = await mintCode(ctx(), { clientId: world.other.clientId, userId: world.user.id, scope: ['openid'] });
    const refused = await postForm(tokenUrl, { grant_type: 'authorization_code', code: code2, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.other.clientId, secret: world.other.secret },
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error_description, 'the client secret of "other.app" is wrong, revoked or expired');
    world.other.secret = second;
  });

  it('an expired secret no longer authenticates', async () => {
    const service = new AppService(ctx());
    const added = await service.addSecret(world.web.clientId, { generateSecret: true, expiresAt: clock.now() + 60_000 });
    const code1 = await webCode({ scope: ['openid'] });
    const ok = await postForm(tokenUrl, { grant_type: 'authorization_code', code: code1, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: added.generatedSecret! },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    clock.advance(61);
    const code2 = await webCode({ scope: ['openid'] });
    const refused = await postForm(tokenUrl, { grant_type: 'authorization_code', code: code2, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: added.generatedSecret! },
    });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error_description, 'the client secret of "my.trusted.app/first" is wrong, revoked or expired');
    assert.equal((await redeem(code2)).status, 200, 'the other secret still works');
  });

  // --- authorization_code: success ------------------------------------------------------------
  it('redeems a code: Bearer access token (RFC 9068), ID token, refresh token, no-store', async () => {
    const code = await webCode({ nonce: 'n-0S6_WzA2Mj', scope: ['openid', 'profile', 'email', 'offline_access', 'read'] });
    const res = await redeem(code);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.scope, 'openid profile email offline_access read');
    assert.match(res.body.refresh_token, /^[A-Za-z0-9_-]{43}$/);

    const jwks = createLocalJWKSet(await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json());
    const at = await jwtVerify(res.body.access_token, jwks, { issuer: server.issuer, audience: 'erp-api', typ: 'at+jwt', currentDate: new Date(clock.now()) });
    assert.equal(at.protectedHeader.alg, 'RS256');
    assert.equal(at.protectedHeader.typ, 'at+jwt');
    assert.ok(at.protectedHeader.kid);
    assert.deepEqual(Object.keys(at.payload).sort(), ['acr', 'aud', 'auth_time', 'client_id', 'exp', 'iat', 'iss', 'jti', 'nbf', 'scope', 'sid', 'sub', 'user_kind']);
    assert.equal(at.payload.sub, world.user.id);
    assert.equal(at.payload.aud, 'erp-api');
    assert.equal(at.payload.client_id, world.web.clientId);
    assert.equal(at.payload.scope, 'openid profile email offline_access read');
    assert.equal(at.payload.user_kind, 'internal');
    assert.equal(at.payload.exp! - at.payload.iat!, 3600);
    assert.equal(at.payload.nbf, at.payload.iat);

    const id = await jwtVerify(res.body.id_token, jwks, { issuer: server.issuer, audience: world.web.clientId, currentDate: new Date(clock.now()) });
    assert.equal(id.payload.sub, world.user.id);
    assert.equal(id.payload.nonce, 'n-0S6_WzA2Mj');
    assert.equal(id.payload.preferred_username, 'alice');
    assert.equal(id.payload.name, 'Alice Example');
    assert.equal(id.payload.locale, 'en-GB');
    assert.equal(id.payload.email, 'alice@example.com');
    assert.equal(id.payload.email_verified, true);
    assert.deepEqual(id.payload.amr, ['pwd']);
    assert.equal(id.payload.sid, at.payload.sid);
    assert.equal(id.payload.auth_time, at.payload.auth_time);
    const digest = createHash('sha256').update(res.body.access_token).digest();
    assert.equal(id.payload.at_hash, digest.subarray(0, 16).toString('base64url'));
  });

  it('ID token carries profile and email claims only when those scopes were granted', async () => {
    const res = await redeem(await webCode({ scope: ['openid', 'read'] }));
    assert.equal(res.status, 200);
    const { payload } = decodeJwt(res.body.id_token);
    assert.deepEqual(Object.keys(payload).sort(), ['acr', 'amr', 'at_hash', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'sid', 'sub']);
    assert.equal(res.body.refresh_token, undefined, 'no refresh token without offline_access');
  });

  it('no ID token without openid', async () => {
    const res = await redeem(await webCode({ scope: ['read'] }));
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
  });

  it('a public app redeems with PKCE and client_id only', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await mintCode(ctx(), {
      clientId: world.spa.clientId, userId: world.user.id, redirectUri: 'https://spa.example.com/index.html',
      scope: ['openid', 'read'], codeChallenge: challenge,
    });
    const res = await postForm(tokenUrl, {
      grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example.com/index.html', client_id: world.spa.clientId, code_verifier: verifier,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(decodeJwt(res.body.access_token).payload.client_id, world.spa.clientId);
  });

  it('answers CORS requests from browser apps', async () => {
    const res = await fetch(tokenUrl, { method: 'OPTIONS', headers: { origin: 'https://spa.example.com', 'access-control-request-method': 'POST' } });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  // --- authorization_code: errors -------------------------------------------------------------
  it('code missing: invalid_request', async () => {
    const res = await redeem('');
    assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'code is required' });
  });

  it('redirect_uri missing: invalid_request', async () => {
    const code = await webCode();
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code }, { basic: { clientId: world.web.clientId, secret: world.web.secret } });
    assert.deepEqual(res.body, { error: 'invalid_request', error_description: 'redirect_uri is required: send the redirect_uri of the authorization request' });
  });

  it('unknown code: invalid_grant', async () => {
    const res = await redeem('not-a-code-we-issued');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'authorization code is invalid or unknown' });
  });

  it('a code issued to another client: invalid_grant, and the code stays redeemable by its owner', async () => {
    const code = await webCode();
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.other.clientId, secret: world.other.secret },
    });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'authorization code was issued to another client' });
    assert.equal((await redeem(code)).status, 200);
  });

  it('redirect_uri differs: invalid_grant "redirect_uri does not match"', async () => {
    const code = await webCode();
    const res = await redeem(code, { redirect_uri: 'https://app.example.com/callback/' });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'redirect_uri does not match' });
  });

  it('expired code: invalid_grant "authorization code expired"', async () => {
    const code = await webCode({ lifetimeSeconds: 60 });
    clock.advance(61);
    const res = await redeem(code);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'authorization code expired' });
  });

  it('PKCE: a wrong verifier fails "PKCE verification failed"', async () => {
    const { challenge } = pkcePair();
    const code = await webCode({ codeChallenge: challenge });
    const res = await redeem(code, { code_verifier: pkcePair().verifier });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
  });

  it('PKCE: the verifier is required when a challenge was sent, even with the secret', async () => {
    const code = await webCode({ codeChallenge: pkcePair().challenge });
    const res = await redeem(code);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'code_verifier is required: the authorization request sent a code_challenge' });
  });

  it('PKCE: a malformed verifier (too short) fails', async () => {
    const code = await webCode({ codeChallenge: pkcePair().challenge });
    const res = await redeem(code, { code_verifier: 'short' });
    assert.deepEqual(res.body, {
      error: 'invalid_grant',
      error_description: 'PKCE verification failed: code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~',
    });
  });

  it('PKCE: a verifier without a challenge is refused (downgrade, RFC 9700 4.8.2)', async () => {
    const code = await webCode();
    const res = await redeem(code, { code_verifier: pkcePair().verifier });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'code_verifier was sent but the authorization request had no code_challenge' });
  });

  it('PKCE: a public app cannot redeem a code that had no challenge', async () => {
    const code = await mintCode(ctx(), { clientId: world.spa.clientId, userId: world.user.id, redirectUri: 'https://spa.example.com/index.html', scope: ['read'] });
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example.com/index.html', client_id: world.spa.clientId });
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'PKCE is required for public apps: the authorization request had no code_challenge' });
  });

  it('a code is redeemable once; a second use is refused and revokes what the first issued', async () => {
    const code = await webCode({ scope: ['openid', 'offline_access', 'read'] });
    const first = await redeem(code);
    assert.equal(first.status, 200);
    const userinfo = (token: string) => fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await userinfo(first.body.access_token)).status, 200);

    const second = await redeem(code);
    assert.deepEqual(second.body, { error: 'invalid_grant', error_description: 'authorization code was already used' });

    const after = await userinfo(first.body.access_token);
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate')!, /error="invalid_token"/);
    const refresh = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.deepEqual(refresh.body, { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token was revoked' });
  });

  it('the code is stored only as a hash', async () => {
    const code = await webCode();
    const rows = await (await inspectDatabase(ctx())).selectFrom('authorization_codes').select('code_hash').execute();
    assert.ok(rows.every((row) => row.code_hash !== code));
  });

  it('a disabled app: unauthorized_client', async () => {
    const service = new AppService(ctx());
    const code = await mintCode(ctx(), { clientId: world.other.clientId, userId: world.user.id, scope: ['openid'] });
    await service.disable(world.other.clientId);
    try {
      const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
        basic: { clientId: world.other.clientId, secret: world.other.secret },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'unauthorized_client', error_description: 'the app "other.app" is disabled; ask an administrator to enable it' });
    } finally {
      await service.enable(world.other.clientId);
    }
  });

  it('a user disabled after sign-in cannot redeem the code', async () => {
    const { createTestUser } = await import('../support/fixtures.js');
    const { user } = await createTestUser(ctx(), { login: 'bob' });
    const code = await mintCode(ctx(), { clientId: world.web.clientId, userId: user.id });
    await ctx().store.users.update({ ...user, enabled: false });
    const res = await redeem(code);
    assert.deepEqual(res.body, { error: 'invalid_grant', error_description: 'the authorization can no longer be used: the user is disabled' });
  });

  it('a code granting offline_access is refused once the app no longer allows refresh tokens', async () => {
    const service = new AppService(ctx());
    const code = await mintCode(ctx(), { clientId: world.other.clientId, userId: world.user.id, scope: ['openid', 'offline_access', 'read'] });
    await service.update(world.other.clientId, { allowRefreshTokens: false });
    try {
      const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
        basic: { clientId: world.other.clientId, secret: world.other.secret },
      });
      assert.deepEqual(res.body, {
        error: 'invalid_grant',
        error_description: 'the authorization can no longer be used: the app no longer allows refresh tokens',
      });
    } finally {
      await service.update(world.other.clientId, { allowRefreshTokens: true });
    }
  });
});

describeEachDatabase('token endpoint: several API audiences', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, env: { API_AUDIENCE: 'erp-api reports-api' } });
  });
  after(async () => server?.close());

  it('aud is an array when several audiences are configured', async () => {
    const world = await setupTokenWorld(server.app.ctx);
    const code = await mintCode(server.app.ctx, { clientId: world.web.clientId, userId: world.user.id, scope: ['read'] });
    const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' }, {
      basic: { clientId: world.web.clientId, secret: world.web.secret },
    });
    assert.deepEqual(decodeJwt(res.body.access_token).payload.aud, ['erp-api', 'reports-api']);
  });
});
