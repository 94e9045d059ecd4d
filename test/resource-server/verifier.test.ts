import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createAccessTokenVerifier, BearerError, type AccessTokenVerifier } from '../../src/resource-server/index.js';
import { FakeIssuer, newKey, type SigningKeyPair } from './fake-issuer.js';

/** Asserts that verification fails with exactly this RFC 6750 error. */
async function rejects(
  promise: Promise<unknown>,
  expected: { code: string | undefined; status: number; description: string | RegExp; scope?: string },
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BearerError, `expected a BearerError, got ${String(error)}`);
    assert.equal(error.code, expected.code);
    assert.equal(error.status, expected.status);
    if (typeof expected.description === 'string') assert.equal(error.description, expected.description);
    else assert.match(error.description, expected.description);
    if (expected.scope !== undefined) assert.equal(error.scope, expected.scope);
    return true;
  });
}

describe('resource-server: access token verification', () => {
  const issuer = new FakeIssuer();
  let key: SigningKeyPair;
  let verifier: AccessTokenVerifier;

  before(async () => {
    await issuer.start();
    key = await newKey('key-1');
    issuer.published = [key];
    verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
  });
  after(() => issuer.stop());

  it('accepts a valid token and exposes its claims', async () => {
    const token = await issuer.sign(key, { claims: { scope: 'openid read update' } });
    const result = await verifier.verify(token, { scopes: ['read'] });
    assert.equal(result.subject, '8d6c1c8e-9f7a-4d1b-9a57-2f1f7c3e6b10');
    assert.equal(result.clientId, 'com.example/web');
    assert.deepEqual(result.scopes, ['openid', 'read', 'update']);
    assert.deepEqual(result.audience, ['erp-api']);
    assert.equal(result.issuer, issuer.issuer);
    assert.equal(result.userKind, 'internal');
    assert.equal(result.sid, 'sid-1');
  });

  it('accepts an audience array that includes the API, and "application/at+jwt" as typ', async () => {
    const token = await issuer.sign(key, { claims: { aud: ['other-api', 'erp-api'] }, header: { typ: 'application/at+jwt' } });
    assert.equal((await verifier.verify(token)).subject, '8d6c1c8e-9f7a-4d1b-9a57-2f1f7c3e6b10');
  });

  it('rejects an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(key, { claims: { iat: now - 600, nbf: now - 600, exp: now - 31 } });
    await rejects(verifier.verify(token), { code: 'invalid_token', status: 401, description: 'the access token has expired' });
  });

  it('tolerates a small clock skew on exp (30 s by default)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(key, { claims: { iat: now - 600, nbf: now - 600, exp: now - 20 } });
    await verifier.verify(token);
  });

  it('rejects a token that is not valid yet (nbf beyond the skew)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(key, { claims: { nbf: now + 120, exp: now + 600 } });
    await rejects(verifier.verify(token), {
      code: 'invalid_token', status: 401, description: 'the access token is not valid yet ("nbf" is in the future)',
    });
  });

  it('rejects a token from another issuer', async () => {
    const token = await issuer.sign(key, { claims: { iss: 'https://evil.example.com/id' } });
    await rejects(verifier.verify(token), {
      code: 'invalid_token', status: 401, description: `the access token was not issued by ${issuer.issuer}`,
    });
  });

  it('rejects a token meant for another API (aud)', async () => {
    const token = await issuer.sign(key, { claims: { aud: 'billing-api' } });
    await rejects(verifier.verify(token), {
      code: 'invalid_token', status: 401, description: 'the access token is not meant for this API (audience must include "erp-api")',
    });
  });

  it('rejects a token whose header typ is not at+jwt (e.g. an ID token)', async () => {
    const idToken = await issuer.sign(key, { header: { typ: 'JWT' } });
    await rejects(verifier.verify(idToken), {
      code: 'invalid_token', status: 401, description: 'the token is not an access token (header "typ" must be "at+jwt")',
    });
    const noTyp = await new SignJWT({ iss: issuer.issuer, aud: 'erp-api', sub: 's', client_id: 'c', jti: 'j' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await rejects(verifier.verify(noTyp), {
      code: 'invalid_token', status: 401, description: 'the token is not an access token (header "typ" must be "at+jwt")',
    });
  });

  it('rejects a token signed by a foreign key that claims a published kid', async () => {
    const foreign = await newKey('key-1');
    const token = await issuer.sign(foreign);
    await rejects(verifier.verify(token), { code: 'invalid_token', status: 401, description: 'the access token signature is invalid' });
  });

  it('rejects a token signed by a foreign key with an unknown kid', async () => {
    const foreign = await newKey('attacker-key');
    const token = await issuer.sign(foreign);
    await rejects(verifier.verify(token), {
      code: 'invalid_token', status: 401, description: 'the access token is signed with a key the issuer does not publish',
    });
  });

  it('rejects a tampered payload', async () => {
    const token = await issuer.sign(key, { claims: { scope: 'read' } });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), scope: 'read update' })).toString('base64url');
    await rejects(verifier.verify(`${h}.${forged}.${s}`), { code: 'invalid_token', status: 401, description: 'the access token signature is invalid' });
  });

  it('accepts ES256 and EdDSA tokens signed with keys the issuer publishes for those algorithms', async () => {
    const es = await newKey('ec-key', 'ES256');
    const ed = await newKey('ed-key', 'EdDSA');
    issuer.published = [key, es, ed];
    try {
      const fresh = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
      for (const [signer, alg] of [[es, 'ES256'], [ed, 'EdDSA']] as const) {
        const token = await issuer.sign(signer, { header: { alg }, claims: { scope: 'read' } });
        const result = await fresh.verify(token, { scopes: ['read'] });
        assert.equal(result.subject, '8d6c1c8e-9f7a-4d1b-9a57-2f1f7c3e6b10', alg);
      }
    } finally {
      issuer.published = [key];
    }
  });

  it('rejects unsigned (alg none) and HMAC tokens, and tokens whose alg is not the one their key is published for', async () => {
    const message = 'the access token is not signed with RS256, ES256 or EdDSA';
    const unsigned = new UnsecuredJWT({ iss: issuer.issuer, aud: 'erp-api', sub: 's', client_id: 'c', jti: 'j' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await rejects(verifier.verify(unsigned), { code: 'invalid_token', status: 401, description: message });
    // HS256 keyed with the published RSA key's own JWK text: the classic algorithm-confusion forgery
    const hs = await new SignJWT({ iss: issuer.issuer, aud: 'erp-api', sub: 's', client_id: 'c', jti: 'j' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
    await rejects(verifier.verify(hs), { code: 'invalid_token', status: 401, description: message });
    // a PS256 signature made with the published RSA key's private half: RSA, but not the published algorithm
    const ps = await newKey('key-1', 'PS256');
    await rejects(verifier.verify(await issuer.sign(ps, { header: { alg: 'PS256' } })), { code: 'invalid_token', status: 401, description: message });
    // an ES256 key published as ES256 does not verify a token that claims EdDSA under its kid
    const es = await newKey('ec-key', 'ES256');
    issuer.published = [key, es];
    try {
      const fresh = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
      assert.equal((await fresh.verify(await issuer.sign(es, { header: { alg: 'ES256' } }))).clientId, 'com.example/web');
      const ed = await newKey('ec-key', 'EdDSA');
      await rejects(fresh.verify(await issuer.sign(ed, { header: { alg: 'EdDSA' } })), {
        code: 'invalid_token', status: 401, description: 'the access token is signed with a key the issuer does not publish',
      });
    } finally {
      issuer.published = [key];
    }
  });

  it('rejects malformed tokens without a 5xx', async () => {
    for (const bad of ['abc', 'a.b', 'a.b.c', '!!!.???.***', 'eyJhbGciOiJSUzI1NiJ9.e30.', `${'a'.repeat(9000)}.b.c`]) {
      await assert.rejects(verifier.verify(bad), (error: unknown) => {
        assert.ok(error instanceof BearerError);
        assert.equal(error.status, 401, `${bad.slice(0, 20)}: ${error.description}`);
        assert.equal(error.code, 'invalid_token');
        return true;
      });
    }
    await rejects(verifier.verify('abc'), { code: 'invalid_token', status: 401, description: 'the access token is malformed: expected a signed JWT' });
  });

  it('rejects tokens missing a required RFC 9068 claim', async () => {
    for (const claim of ['client_id', 'jti', 'sub', 'exp', 'iat']) {
      const token = await issuer.sign(key, { omit: [claim] });
      await rejects(verifier.verify(token), { code: 'invalid_token', status: 401, description: `the access token has no "${claim}" claim` });
    }
  });

  it('answers insufficient_scope (403) naming the scope the request needs', async () => {
    const token = await issuer.sign(key, { claims: { scope: 'openid read' } });
    await rejects(verifier.verify(token, { scopes: ['update'] }), {
      code: 'insufficient_scope',
      status: 403,
      description: 'the access token lacks the scope "update" this request needs',
      scope: 'update',
    });
    const noScope = await issuer.sign(key, { omit: ['scope'] });
    await rejects(verifier.verify(noScope, { scopes: ['read'] }), { code: 'insufficient_scope', status: 403, description: /"read"/ });
  });
});

describe('resource-server: issuer keys (discovery, caching, rotation, outages)', () => {
  const issuer = new FakeIssuer();
  before(() => issuer.start());
  after(() => issuer.stop());

  it('fetches discovery and the JWKS once, then serves from the cache', async () => {
    const key = await newKey('k1');
    issuer.published = [key];
    const before = { d: issuer.discoveryRequests, j: issuer.jwksRequests };
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
    await Promise.all(Array.from({ length: 5 }, async () => verifier.verify(await issuer.sign(key))));
    for (let i = 0; i < 5; i += 1) await verifier.verify(await issuer.sign(key));
    assert.equal(issuer.discoveryRequests - before.d, 1);
    assert.equal(issuer.jwksRequests - before.j, 1);
  });

  it('refetches the JWKS when a token names a new kid (key rotation), at most once per cooldown', async () => {
    const oldKey = await newKey('old');
    issuer.published = [oldKey];
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api', jwksCooldownSeconds: 1 });
    // everything is signed up front, so only verification runs inside the cooldown (a busy machine
    // signing 20 RSA tokens inside it once outlasted a shorter cooldown)
    const newKeyPair = await newKey('new');
    const forger = await newKey('forged');
    const forged: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      forger.kid = `forged-${i}`;
      forged.push(await issuer.sign(forger, { header: { kid: `forged-${i}` } }));
    }
    const signedWithNew = await issuer.sign(newKeyPair);
    await verifier.verify(await issuer.sign(oldKey));
    const start = issuer.jwksRequests;
    await new Promise((r) => setTimeout(r, 1050));
    issuer.published = [oldKey, newKeyPair];
    await verifier.verify(signedWithNew);
    assert.equal(issuer.jwksRequests - start, 1, 'one refetch for the new kid');
    // a flood of tokens with forged kids inside the cooldown causes no further fetches
    for (const token of forged) await assert.rejects(verifier.verify(token), BearerError);
    assert.equal(issuer.jwksRequests - start, 1, 'unknown kids inside the cooldown do not refetch');
  });

  it('refuses to trust discovery that names another issuer (503, not 401)', async () => {
    const key = await newKey('k2');
    issuer.published = [key];
    issuer.discoveryIssuer = 'https://evil.example.com/id';
    try {
      const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api' });
      await rejects(verifier.verify(await issuer.sign(key)), {
        code: 'temporarily_unavailable', status: 503, description: /discovery names the issuer "https:\/\/evil.example.com\/id"/,
      });
    } finally {
      issuer.discoveryIssuer = undefined;
    }
  });

  it('answers 503 while the issuer is unreachable, then recovers', async () => {
    const key = await newKey('k3');
    issuer.published = [key];
    issuer.failWith = 500;
    let clock = Date.now();
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api', now: () => clock });
    await rejects(verifier.verify(await issuer.sign(key)), { code: 'temporarily_unavailable', status: 503, description: /HTTP 500/ });
    issuer.failWith = undefined;
    const discoveries = issuer.discoveryRequests;
    // within the retry back-off it fails fast without asking the issuer again
    await rejects(verifier.verify(await issuer.sign(key)), { code: 'temporarily_unavailable', status: 503, description: /unavailable/ });
    assert.equal(issuer.discoveryRequests, discoveries);
    clock += 6000;
    await verifier.verify(await issuer.sign(key));
  });

  it('keeps verifying with the cached keys when a refresh of the JWKS fails', async () => {
    const key = await newKey('k4');
    issuer.published = [key];
    const verifier = createAccessTokenVerifier({ issuer: issuer.issuer, audience: 'erp-api', jwksCacheMaxAgeSeconds: 0.05 });
    await verifier.verify(await issuer.sign(key));
    issuer.failWith = 503;
    try {
      await new Promise((r) => setTimeout(r, 80));
      await verifier.verify(await issuer.sign(key));
      const unknown = await newKey('k5');
      await rejects(verifier.verify(await issuer.sign(unknown)), {
        code: 'invalid_token', status: 401, description: 'the access token is signed with a key the issuer does not publish',
      });
    } finally {
      issuer.failWith = undefined;
    }
  });

  it('requires https for a non-loopback issuer', async () => {
    const verifier = createAccessTokenVerifier({ issuer: 'http://erp.example.com/id', audience: 'erp-api' });
    await rejects(verifier.verify('a.b.c'), { code: 'temporarily_unavailable', status: 503, description: /must use https/ });
  });
});
