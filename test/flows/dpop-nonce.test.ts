import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { randomBytes, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { calculateJwkThumbprint, exportJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, postForm, setupTokenWorld, testClock, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { accessTokenHash } from '../../src/tokens/dpop-proof.js';
import { DPOP_NONCE_WINDOW_SECONDS } from '../../src/tokens/dpop-nonce.js';

const NONCE_SHAPE = /^\d{1,12}\.[A-Za-z0-9_-]{43}$/;
const MISSING = 'the DPoP proof must carry a nonce: make a new proof with the DPoP-Nonce header\'s value as its nonce';
const NOT_CURRENT = 'the DPoP proof\'s nonce is not a current one: make a new proof with the latest DPoP-Nonce header\'s value';

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
}

/** A DPoP proof made by hand (RFC 9449 4.2), with or without a nonce. */
async function proof(key: Key, htm: string, htu: string, iat: number, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ htm, htu, jti: randomUUID(), iat, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
    .sign(key.privateKey);
}

/** DPOP_NONCE=true: server nonces at the token endpoint and userinfo (RFC 9449 8, 9), on two nodes. */
describeEachDatabase('DPoP server nonces (DPOP_NONCE)', (database) => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  let world: TokenWorld;
  const clock = testClock();
  const env = { DPOP_NONCE: 'true' };
  before(async () => {
    nodeA = await startTestServer({ databaseUrl: database().url, now: clock.now, env });
    // a second node of the same deployment: same issuer, same database, its own process state
    nodeB = await startTestServer({ databaseUrl: database().url, now: clock.now, env, issuer: nodeA.issuer });
    world = await setupTokenWorld(nodeA.app.ctx);
  });
  after(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  const issuer = () => nodeA.issuer;
  const tokenHtu = () => `${issuer()}/connect/token`;
  /** the token endpoint of a node (the issuer's path at the node's own address) */
  const tokenUrl = (node: TestServer) => `${node.origin}${new URL(issuer()).pathname}/connect/token`;
  const iat = () => Math.floor(clock.now() / 1000);
  const newKey = async (): Promise<Key> => {
    const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    return { privateKey, jwk: await exportJWK(publicKey) };
  };
  /** a refresh with a made-up refresh token: invalid_grant means the proof (and its nonce) passed */
  const refreshWith = (node: TestServer, dpop: string) =>
    postForm(tokenUrl(node), { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token', client_id: world.spa.clientId }, { headers: { dpop } });

  async function nonceFrom(node: TestServer): Promise<string> {
    const res = await postForm(tokenUrl(node), { grant_type: 'refresh_token', refresh_token: 'x', client_id: world.spa.clientId });
    const nonce = res.headers.get('dpop-nonce');
    assert.match(nonce ?? '', NONCE_SHAPE, 'every answer of the token endpoint carries a nonce, errors too');
    return nonce!;
  }

  it('discovery is unchanged', async () => {
    const doc = (await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(doc.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'RS256', 'PS256']);
    assert.equal(Object.keys(doc).some((name) => name.includes('nonce')), false);
  });

  it('openid-client retries on use_dpop_nonce by itself: code, userinfo and refresh with DPoP succeed', async () => {
    const seen: Array<{ url: string; status: number; error?: string; nonce: string | null }> = [];
    const config = await client.discovery(new URL(issuer()), world.web.clientId, undefined, client.ClientSecretBasic(world.web.secret), { execute: [client.allowInsecureRequests] });
    config[client.customFetch] = async (url, options) => {
      const res = await fetch(url, options as RequestInit);
      const body = res.status === 400 ? ((await res.clone().json()) as { error?: string }) : {};
      seen.push({ url: String(url), status: res.status, ...(body.error ? { error: body.error } : {}), nonce: res.headers.get('dpop-nonce') });
      return res;
    };
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(config, keyPair);
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback', scope: 'openid offline_access read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st',
    });
    const callback = await signIn(new TestBrowser(), issuer(), Object.fromEntries(url.searchParams), { login: world.user.login, password: world.user.password });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st' }, undefined, { DPoP });
    assert.deepEqual(decodeJwt(tokens.access_token).payload.cnf, { jkt });
    const tokenCalls = seen.filter((s) => s.url.endsWith('/connect/token'));
    assert.deepEqual(tokenCalls.map((s) => [s.status, s.error]), [[400, 'use_dpop_nonce'], [200, undefined]], 'first refused for want of a nonce, then retried with it');
    assert.ok(tokenCalls.every((s) => s.nonce && NONCE_SHAPE.test(s.nonce)));

    const info = await client.fetchUserInfo(config, tokens.access_token, world.user.id, { DPoP });
    assert.equal(info.sub, world.user.id);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    assert.deepEqual(decodeJwt(refreshed.access_token).payload.cnf, { jkt });

    // userinfo (RFC 9449 9): a proof without a nonce is a 401 with a DPoP challenge and a nonce to use
    const userinfo = `${issuer()}/connect/userinfo`;
    const key = { privateKey: keyPair.privateKey, jwk: await exportJWK(keyPair.publicKey) };
    const ath = accessTokenHash(refreshed.access_token);
    const refused = await fetch(userinfo, { headers: { authorization: `DPoP ${refreshed.access_token}`, dpop: await proof(key, 'GET', userinfo, iat(), { ath }) } });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate')!, /^DPoP error="use_dpop_nonce"/);
    const nonce = refused.headers.get('dpop-nonce');
    assert.match(nonce ?? '', NONCE_SHAPE);
    const ok = await fetch(userinfo, { headers: { authorization: `DPoP ${refreshed.access_token}`, dpop: await proof(key, 'GET', userinfo, iat(), { ath, nonce }) } });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('dpop-nonce') ?? '', NONCE_SHAPE);
  });

  it('a proof without a nonce, with a forged one or with a stale one is refused with use_dpop_nonce and a fresh DPoP-Nonce', async () => {
    const key = await newKey();
    const missing = await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat()));
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { error: 'use_dpop_nonce', error_description: MISSING });
    const nonce = missing.headers.get('dpop-nonce')!;
    assert.match(nonce, NONCE_SHAPE);
    assert.equal((await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce }))).body.error, 'invalid_grant', 'with the nonce the proof passes');

    // forged: the shape of ours, the current window, but a MAC made without the server's secret
    const window = nonce.split('.')[0];
    const forged = await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce: `${window}.${randomBytes(32).toString('base64url')}` }));
    assert.deepEqual(forged.body, { error: 'use_dpop_nonce', error_description: NOT_CURRENT });
    // another window with this one's MAC: the MAC covers the window
    const moved = await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce: `${Number(window) + 1}.${nonce.split('.')[1]}` }));
    assert.deepEqual(moved.body, { error: 'use_dpop_nonce', error_description: NOT_CURRENT });

    // one window later the nonce is the previous window's: still accepted; two windows later it is stale
    clock.advance(DPOP_NONCE_WINDOW_SECONDS);
    assert.equal((await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce }))).body.error, 'invalid_grant');
    clock.advance(DPOP_NONCE_WINDOW_SECONDS);
    const stale = await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce }));
    assert.equal(stale.status, 400);
    assert.deepEqual(stale.body, { error: 'use_dpop_nonce', error_description: NOT_CURRENT });
    const fresh = stale.headers.get('dpop-nonce')!;
    assert.notEqual(fresh, nonce);
    assert.equal((await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce: fresh }))).body.error, 'invalid_grant');
  });

  it('two nodes accept each other\'s nonces (no state per request is shared)', async () => {
    const key = await newKey();
    const fromA = await nonceFrom(nodeA);
    const fromB = await nonceFrom(nodeB);
    assert.equal((await refreshWith(nodeB, await proof(key, 'POST', tokenHtu(), iat(), { nonce: fromA }))).body.error, 'invalid_grant');
    assert.equal((await refreshWith(nodeA, await proof(key, 'POST', tokenHtu(), iat(), { nonce: fromB }))).body.error, 'invalid_grant');
  });
});
