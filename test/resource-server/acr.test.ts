import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { acrSatisfies, createAccessTokenVerifier, createBearerAuth, requireAcr } from '../../src/resource-server/index.js';
import { FakeIssuer, newKey, type SigningKeyPair } from './fake-issuer.js';

const PWD = 'urn:trustgate:acr:pwd';
const MFA = 'urn:trustgate:acr:mfa';
const PHR = 'urn:trustgate:acr:phr';

describe('resource-server: requireAcr per route (RFC 9470 insufficient_user_authentication)', () => {
  const issuer = new FakeIssuer();
  let key: SigningKeyPair;
  let app: FastifyInstance;

  before(async () => {
    await issuer.start();
    key = await newKey('key-1');
    issuer.published = [key];
    const auth = createBearerAuth({ verifier: createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' }), realm: 'erp-api' });
    app = Fastify();
    app.get('/orders', { preHandler: auth.requireScope('read') }, async () => ({ ok: 'orders' }));
    app.post('/payments', { preHandler: [auth.requireScope('read'), requireAcr({ acrValues: [PHR], realm: 'erp-api' })] }, async () => ({ ok: 'paid' }));
    app.get('/reports', { preHandler: [auth.requireScope('read'), requireAcr({ acrValues: [MFA], realm: 'erp-api' })] }, async () => ({ ok: 'reports' }));
    await app.ready();
  });
  after(async () => {
    await app.close();
    await issuer.stop();
  });

  const call = async (method: 'GET' | 'POST', url: string, acr?: string) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${await issuer.sign(key, { claims: acr ? { acr } : {} })}` } });

  it('a route without requireAcr is unchanged', async () => {
    assert.equal((await call('GET', '/orders', PWD)).statusCode, 200);
  });

  it('a token below the level: 401 with the RFC 9470 challenge naming acr_values', async () => {
    for (const acr of [PWD, MFA, undefined, 'urn:other:gold']) {
      const res = await call('POST', '/payments', acr);
      assert.equal(res.statusCode, 401, String(acr));
      assert.equal(
        res.headers['www-authenticate'],
        `Bearer realm="erp-api", error="insufficient_user_authentication", error_description="this resource needs a stronger sign-in: request a new token with acr_values=${PHR}", acr_values="${PHR}"`,
      );
      assert.equal(res.json().error, 'insufficient_user_authentication');
      assert.equal(res.json().acr_values, PHR);
    }
  });

  it('the level or a stronger Trustgate level is admitted', async () => {
    assert.equal((await call('POST', '/payments', PHR)).statusCode, 200);
    assert.equal((await call('GET', '/reports', MFA)).statusCode, 200);
    assert.equal((await call('GET', '/reports', PHR)).statusCode, 200);
    assert.equal((await call('GET', '/reports', PWD)).statusCode, 401);
  });

  it('a missing or invalid token is still answered by requireScope (the acr check does not run)', async () => {
    const res = await app.inject({ method: 'POST', url: '/payments' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="erp-api"');
  });

  it('acrSatisfies: exact values, and Trustgate levels by strength', () => {
    assert.equal(acrSatisfies('urn:other:gold', ['urn:other:gold']), true);
    assert.equal(acrSatisfies(PHR, [MFA]), true);
    assert.equal(acrSatisfies(PWD, [MFA, PHR]), false);
    assert.equal(acrSatisfies(42, [PWD]), false);
  });
});
