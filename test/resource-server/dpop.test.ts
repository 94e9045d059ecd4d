import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createAccessTokenVerifier, createBearerAuth } from '../../src/resource-server/index.js';
import { accessTokenHash } from '../../src/tokens/dpop-proof.js';
import { FakeIssuer, newKey, type SigningKeyPair } from './fake-issuer.js';

const ORIGIN = 'https://api.example.com';

describe('resource-server: DPoP-bound access tokens (RFC 9449 7)', () => {
  const issuer = new FakeIssuer();
  let key: SigningKeyPair;
  let app: FastifyInstance;
  let holder: { privateKey: CryptoKey; jwk: JWK; jkt: string };

  before(async () => {
    await issuer.start();
    key = await newKey('key-1');
    issuer.published = [key];
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
    const auth = createBearerAuth({ verifier, realm: 'erp-api', publicOrigin: ORIGIN });
    app = Fastify();
    app.get('/orders', { preHandler: auth.requireScope('read') }, async () => ({ ok: true }));
    await app.ready();
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    holder = { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
  });
  after(async () => {
    await app.close();
    await issuer.stop();
  });

  const proof = async (accessToken: string, claims: Record<string, unknown> = {}, signer = holder) =>
    new SignJWT({ htm: 'GET', htu: `${ORIGIN}/orders`, jti: randomUUID(), ath: accessTokenHash(accessToken), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: signer.jwk })
      .setIssuedAt()
      .sign(signer.privateKey);
  const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/orders', headers });
  const bound = () => issuer.sign(key, { claims: { cnf: { jkt: holder.jkt } } });

  it('admits a bound token with the DPoP scheme and a proof made with its key', async () => {
    const token = await bound();
    const res = await get({ authorization: `DPoP ${token}`, dpop: await proof(token) });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('refuses a bound token as Bearer, without a proof, with a replayed proof, another key, wrong htu or no ath: 401 DPoP challenges', async () => {
    const token = await bound();
    const asBearer = await get({ authorization: `Bearer ${token}` });
    assert.equal(asBearer.statusCode, 401);
    assert.match(asBearer.headers['www-authenticate'] as string, /^DPoP algs="ES256 EdDSA RS256 PS256", realm="erp-api", error="invalid_token"/);
    const noProof = await get({ authorization: `DPoP ${token}` });
    assert.equal(noProof.json().error, 'invalid_dpop_proof');
    const once = await proof(token);
    assert.equal((await get({ authorization: `DPoP ${token}`, dpop: once })).statusCode, 200);
    const replay = await get({ authorization: `DPoP ${token}`, dpop: once });
    assert.deepEqual(replay.json(), { error: 'invalid_dpop_proof', error_description: 'the DPoP proof was already used: make a new proof (a new jti) for every request' });
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    const thief = { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
    const stolen = await get({ authorization: `DPoP ${token}`, dpop: await proof(token, {}, thief) });
    assert.deepEqual(stolen.json(), { error: 'invalid_dpop_proof', error_description: 'the DPoP proof was made with another key than the one the access token is bound to' });
    const wrongHtu = await get({ authorization: `DPoP ${token}`, dpop: await proof(token, { htu: `${ORIGIN}/other` }) });
    assert.equal(wrongHtu.json().error_description, `the DPoP proof's htu must be "${ORIGIN}/orders"`);
    const noAth = await get({ authorization: `DPoP ${token}`, dpop: await proof(token, { ath: undefined }) });
    assert.equal(noAth.json().error_description, 'the DPoP proof\'s ath must be the hash of the access token it accompanies');
  });

  it('an unbound token stays a bearer token: admitted as Bearer, refused as DPoP', async () => {
    const token = await issuer.sign(key);
    assert.equal((await get({ authorization: `Bearer ${token}` })).statusCode, 200);
    const res = await get({ authorization: `DPoP ${token}`, dpop: await proof(token) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error_description, 'the access token is not bound to a DPoP key: send it as "Authorization: Bearer <token>"');
  });
});
