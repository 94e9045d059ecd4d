import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { accessTokenOf, createAccessTokenVerifier, createBearerAuth } from '../../src/resource-server/index.js';
import { FakeIssuer, newKey, type SigningKeyPair } from './fake-issuer.js';

describe('resource-server: Fastify requireScope preHandler (RFC 6750 answers)', () => {
  const issuer = new FakeIssuer();
  let key: SigningKeyPair;
  let app: FastifyInstance;

  before(async () => {
    await issuer.start();
    key = await newKey('key-1');
    issuer.published = [key];
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
    const auth = createBearerAuth({ verifier, realm: 'erp-api' });
    app = Fastify();
    await app.register(formbody);
    app.get('/orders', { preHandler: auth.requireScope('read') }, async (request) => {
      const token = accessTokenOf(request);
      return { sub: token.subject, client: token.clientId };
    });
    app.post('/orders', { preHandler: auth.requireScope('update') }, async () => ({ ok: true }));
    await app.ready();
  });
  after(async () => {
    await app.close();
    await issuer.stop();
  });

  const get = (headers: Record<string, string> = {}, url = '/orders') => app.inject({ method: 'GET', url, headers });

  it('admits a valid token with the scope and exposes it to the handler', async () => {
    const res = await get({ authorization: `Bearer ${await issuer.sign(key)}` });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { sub: '8d6c1c8e-9f7a-4d1b-9a57-2f1f7c3e6b10', client: 'com.example/web' });
  });

  it('accepts the scheme name in any case (RFC 7235)', async () => {
    const res = await get({ authorization: `bearer ${await issuer.sign(key)}` });
    assert.equal(res.statusCode, 200);
  });

  it('no credentials: 401 with a bare Bearer challenge (RFC 6750 3.1: no error code)', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
      const res = await get(headers);
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="erp-api"');
    }
  });

  it('a malformed Authorization header or a token in the URL: 400 invalid_request', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ authorization: 'Bearer' }, '/orders', 'the Authorization header has the Bearer scheme but no token'],
      [{ authorization: 'Bearer two tokens' }, '/orders', 'the Authorization header is malformed: expected "Bearer <access token>"'],
      [{}, '/orders?access_token=abc', 'access tokens in the URL are not accepted; send "Authorization: Bearer <access token>"'],
    ];
    for (const [headers, url, description] of cases) {
      const res = await get(headers, url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(
        res.headers['www-authenticate'],
        `Bearer realm="erp-api", error="invalid_request", error_description="${description.replace(/"/g, "'")}"`,
      );
      assert.deepEqual(res.json(), { error: 'invalid_request', error_description: description });
    }
  });

  it('an expired token: 401 invalid_token with the reason in the challenge', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(key, { claims: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 } });
    const res = await get({ authorization: `Bearer ${token}` });
    assert.equal(res.statusCode, 401);
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer realm="erp-api", error="invalid_token", error_description="the access token has expired"',
    );
    assert.deepEqual(res.json(), { error: 'invalid_token', error_description: 'the access token has expired' });
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('a foreign token: 401 invalid_token', async () => {
    const foreign = await newKey('key-1');
    const res = await get({ authorization: `Bearer ${await issuer.sign(foreign)}` });
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /^Bearer realm="erp-api", error="invalid_token", error_description="the access token signature is invalid"$/);
  });

  it('a token without the needed scope: 403 insufficient_scope naming it', async () => {
    const token = await issuer.sign(key, { claims: { scope: 'openid read' } });
    const res = await app.inject({ method: 'POST', url: '/orders', headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.statusCode, 403);
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer realm="erp-api", error="insufficient_scope", error_description="the access token lacks the scope \\"update\\" this request needs", scope="update"'.replace(/\\"/g, "'"),
    );
    assert.deepEqual(res.json(), {
      error: 'insufficient_scope',
      error_description: 'the access token lacks the scope "update" this request needs',
      scope: 'update',
    });
  });

  it('a token in a form body is refused (only the header is accepted)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `access_token=${await issuer.sign(key, { claims: { scope: 'update' } })}`,
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_request');
  });

  it('the issuer unreachable: 503 with Retry-After, not a 401 that would make clients drop their tokens', async () => {
    const down = new FakeIssuer();
    await down.start();
    down.failWith = 502;
    const verifier = createAccessTokenVerifier({ issuer: down.issuer, audience: 'erp-api' });
    const auth = createBearerAuth({ verifier, realm: 'erp-api' });
    const api = Fastify();
    api.get('/x', { preHandler: auth.requireScope('read') }, async () => 'never');
    try {
      const res = await api.inject({ method: 'GET', url: '/x', headers: { authorization: `Bearer ${await issuer.sign(key)}` } });
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '5');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="erp-api"');
    } finally {
      await api.close();
      await down.stop();
    }
  });
});

describe('resource-server: two copies of the module (source and built package) work together', () => {
  it('a refusal from the built verifier is still an RFC 6750 answer (401), not a 500', async () => {
    const issuer = new FakeIssuer();
    await issuer.start();
    const key = await newKey('k');
    issuer.published = [key];
    const built = await import('trustgate/resource-server');
    const verifier = built.createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
    const auth = createBearerAuth({ verifier, realm: 'erp-api' });
    const api = Fastify();
    api.get('/x', { preHandler: auth.requireScope('read') }, async () => 'ok');
    try {
      const now = Math.floor(Date.now() / 1000);
      const expired = await issuer.sign(key, { claims: { iat: now - 999, nbf: now - 999, exp: now - 500 } });
      const res = await api.inject({ method: 'GET', url: '/x', headers: { authorization: `Bearer ${expired}` } });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error_description, 'the access token has expired');
    } finally {
      await api.close();
      await issuer.stop();
    }
  });
});
