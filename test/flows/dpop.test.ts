import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { AppService } from '../../src/admin/app-service.js';
import { accessTokenHash } from '../../src/tokens/dpop-proof.js';

const SPA_CALLBACK = 'https://spa.example.com/index.html';

interface DpopKey {
  alg: 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function dpopKey(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined, extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

/** A DPoP proof made by hand (RFC 9449 4.2), so that every rule can be broken on purpose. */
async function proof(key: DpopKey, htm: string, htu: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ htm, htu, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header })
    .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : undefined)
    .sign(key.privateKey);
}

/** DPoP (RFC 9449) at the token endpoint and userinfo; introspection shows the binding. */
describeEachDatabase('DPoP: sender-constrained tokens (RFC 9449)', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  const ctx = () => server.app.ctx;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    world = await setupTokenWorld(ctx());
  });
  after(async () => server?.close());

  const tokenUrl = () => `${server.issuer}/connect/token`;
  const userinfoUrl = () => `${server.issuer}/connect/userinfo`;
  const iatNow = () => Math.floor(clock.now() / 1000);

  async function publicSignIn(key: DpopKey): Promise<Record<string, any>> {
    const config = new client.Configuration({ issuer: server.issuer, token_endpoint: tokenUrl(), authorization_endpoint: `${server.issuer}/connect/authorize`, userinfo_endpoint: userinfoUrl() }, world.spa.clientId, undefined, client.None());
    client.allowInsecureRequests(config);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: SPA_CALLBACK, scope: 'openid offline_access read', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 's',
    });
    const callback = await signIn(new TestBrowser(), server.issuer, Object.fromEntries(url.searchParams), { login: world.user.login, password: world.user.password });
    const res = await postForm(tokenUrl(), {
      grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: SPA_CALLBACK, client_id: world.spa.clientId, code_verifier: verifier,
    }, { headers: { dpop: await proof(key, 'POST', tokenUrl(), { iat: iatNow() }) } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }

  it('discovery lists dpop_signing_alg_values_supported', async () => {
    const doc = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(doc.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'RS256', 'PS256']);
  });

  it('openid-client with DPoP (confidential app, ES256): token_type DPoP, cnf.jkt, userinfo with the DPoP scheme, refresh, introspection shows cnf', async () => {
    const config = await client.discovery(new URL(server.issuer), world.web.clientId, undefined, client.ClientSecretBasic(world.web.secret), { execute: [client.allowInsecureRequests] });
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(config, keyPair);
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback', scope: 'openid offline_access read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st',
    });
    const callback = await signIn(new TestBrowser(), server.issuer, Object.fromEntries(url.searchParams), { login: world.user.login, password: world.user.password });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st' }, undefined, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(decodeJwt(tokens.access_token).payload.cnf, { jkt });
    const info = await client.fetchUserInfo(config, tokens.access_token, world.user.id, { DPoP });
    assert.equal(info.sub, world.user.id);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    assert.deepEqual(decodeJwt(refreshed.access_token).payload.cnf, { jkt });
    const introspection = await client.tokenIntrospection(config, refreshed.access_token);
    assert.equal(introspection.active, true);
    assert.deepEqual(introspection.cnf, { jkt });
    assert.equal(introspection.token_type, 'DPoP');
  });

  it('a public app (EdDSA key): the refresh token is bound to the key; a stolen refresh token without the key, or with another key, is refused', async () => {
    const key = await dpopKey('EdDSA');
    const tokens = await publicSignIn(key);
    assert.equal(tokens.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(tokens.access_token).payload.cnf, { jkt: key.jkt });
    const refresh = (headers: Record<string, string>) =>
      postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: world.spa.clientId }, { headers });

    const stolen = await refresh({});
    assert.deepEqual(stolen.body, { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the refresh token is bound to a DPoP key: send a DPoP proof made with that key' });
    const thief = await dpopKey('ES256');
    const otherKey = await refresh({ dpop: await proof(thief, 'POST', tokenUrl(), { iat: iatNow() }) });
    assert.deepEqual(otherKey.body, { error: 'invalid_grant', error_description: 'refresh token is expired or invalid: the DPoP proof was made with another key than the one the refresh token is bound to' });
    // the attempts changed nothing: the owner refreshes with its key
    const owner = await refresh({ dpop: await proof(key, 'POST', tokenUrl(), { iat: iatNow() }) });
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    assert.deepEqual(decodeJwt(owner.body.access_token).payload.cnf, { jkt: key.jkt });
  });

  it('attacks on proofs: replayed, wrong htm, wrong htu, old iat, wrong typ, a private key in the header, an HMAC proof — all invalid_dpop_proof', async () => {
    const key = await dpopKey();
    const redeem = async (dpop: string) =>
      postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: 'irrelevant', client_id: world.spa.clientId }, { headers: { dpop } });
    const expectRefused = async (dpop: string, description: string) => {
      const res = await redeem(dpop);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { error: 'invalid_dpop_proof', error_description: description });
    };
    const once = await proof(key, 'POST', tokenUrl(), { iat: iatNow() });
    assert.equal((await redeem(once)).body.error, 'invalid_grant', 'a fresh proof passes (the refresh token is what fails)');
    await expectRefused(once, 'the DPoP proof was already used: make a new proof (a new jti) for every request');
    await expectRefused(await proof(key, 'GET', tokenUrl(), { iat: iatNow() }), 'the DPoP proof\'s htm must be "POST"');
    await expectRefused(await proof(key, 'POST', `${server.issuer}/connect/userinfo`, { iat: iatNow() }), `the DPoP proof's htu must be "${tokenUrl()}"`);
    assert.equal((await redeem(await proof(key, 'POST', `${tokenUrl()}?x=1#f`, { iat: iatNow() }))).body.error, 'invalid_grant', 'htu compared without query and fragment');
    await expectRefused(await proof(key, 'POST', tokenUrl(), { iat: iatNow() - 61 }), 'the DPoP proof\'s iat must be within 60 seconds of the server\'s time');
    await expectRefused(await proof(key, 'POST', tokenUrl(), { iat: iatNow() }, { typ: 'JWT' }), 'the DPoP proof must have the header typ "dpop+jwt"');
    const privateJwk = await exportJWK(key.privateKey);
    await expectRefused(await proof(key, 'POST', tokenUrl(), { iat: iatNow() }, { jwk: privateJwk }), 'the DPoP proof is not a JWT signed by the key in its header');
    const hmac = await new SignJWT({ htm: 'POST', htu: tokenUrl(), jti: randomUUID(), iat: iatNow() })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt' })
      .sign(new TextEncoder().encode('secret'));
    await expectRefused(hmac, 'the DPoP proof must be signed with ES256, EdDSA, RS256, PS256');
  });

  it('the same proof on two requests at once: exactly one passes (jti single use)', async () => {
    const key = await dpopKey();
    const dpop = await proof(key, 'POST', tokenUrl(), { iat: iatNow() });
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: 'x', client_id: world.spa.clientId }, { headers: { dpop } })));
    assert.equal(results.filter((r) => r.body.error === 'invalid_grant').length, 1);
    assert.equal(results.filter((r) => r.body.error === 'invalid_dpop_proof').length, 7);
  });

  it('userinfo: a DPoP-bound token as Bearer, without a proof, with a proof of another key or without ath is refused (401, WWW-Authenticate: DPoP)', async () => {
    const key = await dpopKey();
    const tokens = await publicSignIn(key);
    const at = tokens.access_token as string;
    const call = (authorization: string, dpop?: string) => fetch(userinfoUrl(), { headers: { authorization, ...(dpop ? { dpop } : {}) } });
    const asBearer = await call(`Bearer ${at}`);
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get('www-authenticate')!, /^DPoP /);
    assert.equal((await call(`DPoP ${at}`)).status, 401);
    const other = await dpopKey();
    const wrongKey = await call(`DPoP ${at}`, await proof(other, 'GET', userinfoUrl(), { iat: iatNow(), ath: accessTokenHash(at) }));
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.headers.get('www-authenticate')!, /error="invalid_dpop_proof"/);
    assert.equal((await call(`DPoP ${at}`, await proof(key, 'GET', userinfoUrl(), { iat: iatNow() }))).status, 401, 'no ath');
    const ok = await call(`DPoP ${at}`, await proof(key, 'GET', userinfoUrl(), { iat: iatNow(), ath: accessTokenHash(at) }));
    assert.equal(ok.status, 200);
  });

  it('--require-dpop: a token request without a proof is refused; with one it is bound', async () => {
    const apps = new AppService(ctx());
    await apps.update(world.spa.clientId, { requireDpop: true });
    try {
      const res = await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: 'x', client_id: world.spa.clientId });
      assert.deepEqual(res.body, {
        error: 'invalid_request',
        error_description: 'the app "com.vendor/spa" must prove possession of a key: send a DPoP proof in the DPoP header (RFC 9449)',
      });
      const tokens = await publicSignIn(await dpopKey());
      assert.equal(tokens.token_type, 'DPoP');
    } finally {
      await apps.update(world.spa.clientId, { requireDpop: false });
    }
  });
});
