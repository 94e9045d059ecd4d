import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { postForm, testClock } from '../support/token-helpers.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { AppService } from '../../src/admin/app-service.js';
import { AdminError } from '../../src/errors/admin-error.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface SigningKey {
  privateKey: CryptoKey;
  jwk: JWK;
  alg: string;
}

async function signingKey(alg: string, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, alg, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS server on 127.0.0.1 (http on loopback is allowed for JWKS URIs) that counts its fetches. */
async function jwksServer(keys: () => JWK[], status = 200): Promise<{ url: string; fetches: () => number; close(): Promise<void> }> {
  let fetches = 0;
  const server = http.createServer((_req, res) => {
    fetches += 1;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * private_key_jwt (issue 12 D, RFC 7523, OpenID Connect Core 9): the app proves who it is with a JWT
 * signed by a key it registered; each assertion is used once, on every node.
 */
describeEachDatabase('client authentication: private_key_jwt', (database) => {
  let server: TestServer;
  let second: TestServer;
  const clock = testClock();
  let tokenUrl: string;
  const ctx = () => server.app.ctx;
  let es256: SigningKey;
  let rs256: SigningKey;
  let ed25519: SigningKey;
  let stranger: SigningKey;
  let remote: Awaited<ReturnType<typeof jwksServer>>;
  let remoteKey: SigningKey;
  const SERVICE = 'com.vendor/keyed-service';
  const REMOTE = 'com.vendor/remote-keys';

  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: clock.now });
    // a second node on the same database (SQLite file or PostgreSQL)
    second = await startTestServer({ databaseUrl: database().url, now: clock.now, issuer: server.issuer });
    tokenUrl = `${server.issuer}/connect/token`;
    es256 = await signingKey('ES256', 'es-1');
    rs256 = await signingKey('PS256', 'ps-1');
    ed25519 = await signingKey('EdDSA', 'ed-1');
    stranger = await signingKey('ES256', 'es-1'); // same kid, another key
    remoteKey = await signingKey('ES256', 'remote-1');
    remote = await jwksServer(() => [remoteKey.jwk]);
    await createTestUser(ctx(), { login: 'svc-user' });
    // keys only: no secret
    await createTestApp(ctx(), {
      clientId: SERVICE, generateSecret: false, loginRedirectUris: [], systemUser: 'svc-user', jwks: { keys: [es256.jwk, rs256.jwk, ed25519.jwk] },
    });
    await createTestApp(ctx(), { clientId: REMOTE, generateSecret: false, loginRedirectUris: [], systemUser: 'svc-user', jwksUri: remote.url });
  });
  after(async () => {
    await second?.close();
    await server?.close();
    await remote?.close();
  });

  function assertion(key: SigningKey, claims: Record<string, unknown> = {}, options: { clientId?: string; kid?: string } = {}): Promise<string> {
    const clientId = options.clientId ?? SERVICE;
    const now = Math.floor(clock.now() / 1000);
    return new SignJWT({ iss: clientId, sub: clientId, aud: tokenUrl, jti: randomUUID(), iat: now, exp: now + 60, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: options.kid ?? (key.jwk.kid as string), typ: 'JWT' })
      .sign(key.privateKey);
  }

  const withAssertion = (jwt: string, extra: Record<string, string> = {}, url = tokenUrl) =>
    postForm(url, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: jwt, ...extra });

  const refusedWith = async (jwt: string, description: string) => {
    const res = await withAssertion(jwt);
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.deepEqual(res.body, { error: 'invalid_client', error_description: description });
  };

  it('an assertion signed with a registered key (ES256, PS256, EdDSA) authenticates the app; client_id may be omitted', async () => {
    for (const key of [es256, rs256, ed25519]) {
      const res = await withAssertion(await assertion(key));
      assert.equal(res.status, 200, `${key.alg}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.scope, 'read update');
    }
    const withId = await withAssertion(await assertion(es256), { client_id: SERVICE });
    assert.equal(withId.status, 200);
    const issuerAud = await withAssertion(await assertion(es256, { aud: server.issuer }));
    assert.equal(issuerAud.status, 200, 'the issuer is an accepted audience too');
  });

  it('a replayed assertion is refused', async () => {
    const jwt = await assertion(es256);
    assert.equal((await withAssertion(jwt)).status, 200);
    await refusedWith(jwt, 'the client assertion was already used (its "jti" was seen before); make a new assertion for every request');
  });

  it('the audit trail: a replay is recorded, and a refused assertion is on the failure trail of the app it names', async () => {
    const jwt = await assertion(es256);
    assert.equal((await withAssertion(jwt)).status, 200);
    assert.equal((await withAssertion(jwt)).status, 401);
    const replays = await ctx().store.auditEvents.query({ clientId: SERVICE, action: 'client_assertion_replayed' });
    assert.ok(replays.events.length >= 1);
    assert.equal(replays.events[0]!.outcome, 'refused');
    const refused = await ctx().store.auditEvents.query({ clientId: SERVICE, action: 'token_refused' });
    const last = refused.events[0]!;
    assert.equal(last.reason, 'invalid_client: the client assertion was already used (its "jti" was seen before); make a new assertion for every request');
    assert.equal((last.details as Record<string, unknown>).clientAuthentication, 'private_key_jwt');
    assert.doesNotMatch(JSON.stringify(refused.events), new RegExp(jwt.split('.')[2]!), 'never the assertion itself');
    const issued = await ctx().store.auditEvents.query({ clientId: SERVICE, action: 'service_token_issued' });
    assert.ok(issued.events.length >= 1, 'service-token issuance is on the trail');
  });

  it('N identical assertions at once on two nodes sharing the database: exactly one is accepted', async () => {
    const jwt = await assertion(es256);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => withAssertion(jwt, {}, `${(i % 2 === 0 ? server : second).origin}/id/connect/token`)),
    );
    assert.equal(results.filter((res) => res.status === 200).length, 1);
    for (const res of results.filter((r) => r.status !== 200)) {
      assert.equal(res.body.error_description, 'the client assertion was already used (its "jti" was seen before); make a new assertion for every request');
    }
  });

  it('refuses wrong claims with exact descriptions', async () => {
    await refusedWith(
      await assertion(es256, { aud: 'https://elsewhere.example.com/token' }),
      `the client assertion's "aud" must be the token endpoint (${tokenUrl}) or the issuer (${server.issuer})`,
    );
    const now = Math.floor(clock.now() / 1000);
    await refusedWith(await assertion(es256, { exp: now - 60, iat: now - 120 }), 'the client assertion has expired');
    await refusedWith(
      await assertion(es256, { exp: now + 3600 }),
      'the client assertion\'s "exp" is too far ahead: at most 5 minutes after now; make a new assertion for every request',
    );
    await refusedWith(await assertion(es256, { exp: undefined }), 'the client assertion must have an "exp" (expiry) claim');
    await refusedWith(await assertion(es256, { jti: undefined }), 'the client assertion must have a "jti" claim (a unique id)');
    await refusedWith(await assertion(es256, { iss: 'someone.else' }), 'the client assertion\'s "iss" must be the client_id of the app');
    const res = await withAssertion(await assertion(es256), { client_id: 'other.app' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client', 'client_id naming another app than the assertion');
  });

  it('refuses unknown keys, wrong signatures and other algorithms', async () => {
    await refusedWith(
      await assertion(stranger, {}, { kid: 'unknown-kid' }),
      'no registered public key of the app matches the client assertion (its "kid" and "alg")',
    );
    await refusedWith(await assertion(stranger), 'the client assertion signature is invalid');
    const hmac = await new SignJWT({ iss: SERVICE, sub: SERVICE, aud: tokenUrl, jti: randomUUID(), exp: Math.floor(clock.now() / 1000) + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret is not a registered key!'));
    await refusedWith(hmac, 'the client assertion must be signed with RS256, PS256, ES256 or EdDSA');
    await refusedWith('not-a-jwt', 'the client assertion is not a signed JWT');
  });

  it('form rules: the assertion type, one method only, apps without keys, public apps', async () => {
    const jwt = await assertion(es256);
    const noType = await postForm(tokenUrl, { grant_type: 'client_credentials', client_assertion: jwt });
    assert.deepEqual(noType.body, { error: 'invalid_request', error_description: 'client_assertion_type is required with client_assertion' });
    const wrongType = await withAssertion(jwt, { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
    assert.deepEqual(wrongType.body, {
      error: 'invalid_client',
      error_description: 'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer (private_key_jwt)',
    });
    const both = await withAssertion(jwt, { client_secret: 'x'.repeat(40) });
    assert.deepEqual(both.body, {
      error: 'invalid_request',
      error_description: 'use one client authentication method: a client assertion was sent together with a client secret',
    });
    const secretApp = await createTestApp(ctx(), { clientId: 'secret.only' });
    await refusedWith(
      await assertion(es256, {}, { clientId: secretApp.app.clientId }),
      'the app "secret.only" has no public keys registered for private_key_jwt; authenticate with its client secret, or register its keys',
    );
    const keyedNoSecret = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: SERVICE });
    assert.deepEqual(keyedNoSecret.body, {
      error: 'invalid_client',
      error_description: `the app "${SERVICE}" is confidential: authenticate with a client assertion (private_key_jwt) or its client secret`,
    });
  });

  it('works at introspection and revocation too (the shared client-authentication path)', async () => {
    const issued = await withAssertion(await assertion(es256));
    const introspected = await postForm(`${server.issuer}/connect/introspect`, {
      token: issued.body.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(es256),
    });
    assert.equal(introspected.status, 200);
    assert.equal(introspected.body.active, true);
    const revoked = await postForm(`${server.issuer}/connect/revocation`, {
      token: issued.body.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(es256),
    });
    assert.equal(revoked.status, 200);
    const after = await postForm(`${server.issuer}/connect/introspect`, {
      token: issued.body.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(es256),
    });
    assert.deepEqual(after.body, { active: false });
  });

  it('keys from a JWKS URI: fetched once and cached; unknown kids cannot make the server refetch per request', async () => {
    const before = remote.fetches();
    for (let i = 0; i < 3; i++) {
      const res = await withAssertion(await assertion(remoteKey, {}, { clientId: REMOTE }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    assert.equal(remote.fetches() - before, 1, 'one fetch serves many assertions');
    const flood = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => withAssertion(await assertion(stranger, {}, { clientId: REMOTE, kid: `attacker-${i}` }))),
    );
    for (const res of flood) {
      assert.deepEqual(res.body, {
        error: 'invalid_client',
        error_description: 'no registered public key of the app matches the client assertion (its "kid" and "alg")',
      });
    }
    assert.ok(remote.fetches() - before <= 2, `at most one refetch for the unknown kids, saw ${remote.fetches() - before - 1}`);
  });

  it('a JWKS URI that fails (an error status, or nothing listening): invalid_client, and no new fetch per request', async () => {
    const failing = await jwksServer(() => [], 500);
    const down = await jwksServer(() => []);
    await down.close();
    try {
      for (const [clientId, uri] of [['com.vendor/keys-500', failing.url], ['com.vendor/keys-down', down.url]] as const) {
        await createTestApp(ctx(), { clientId, generateSecret: false, loginRedirectUris: [], systemUser: 'svc-user', jwksUri: uri });
        for (let i = 0; i < 3; i++) {
          await refusedWith(
            await assertion(remoteKey, {}, { clientId }),
            'the app\'s public keys could not be fetched from its JWKS URI; try again later',
          );
        }
      }
      assert.equal(failing.fetches(), 1, 'a failed fetch is not retried within the cool-down');
    } finally {
      await failing.close();
    }
  });

  it('hostile text in an assertion: a NUL in the subject is refused at the edge; any jti text is used once, alike on both databases', async () => {
    const nulSubject = await assertion(es256, { sub: 'com.vendor/keyed-service\u0000', iss: 'com.vendor/keyed-service\u0000' });
    const res = await withAssertion(nulSubject);
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: 'invalid_client', error_description: 'client_id contains a character that is not allowed (NUL or an unpaired surrogate)' });
    for (const jti of ['nul\u0000jti', 'lone\ud800surrogate']) {
      const jwt = await assertion(es256, { jti });
      assert.equal((await withAssertion(jwt)).status, 200, JSON.stringify(jti));
      assert.equal((await withAssertion(jwt)).body.error_description, 'the client assertion was already used (its "jti" was seen before); make a new assertion for every request');
    }
  });

  it('admin rules: keys are public and of the accepted kinds; http JWKS URIs only on loopback; not on public apps', async () => {
    const apps = new AppService(ctx());
    const refused = (reason: string) => (error: unknown) => error instanceof AdminError && error.reason === reason;
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    await assert.rejects(apps.update(SERVICE, { jwks: { keys: [privateJwk] } }), refused('client_keys_invalid'));
    await assert.rejects(apps.update(SERVICE, { jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }), refused('client_keys_invalid'));
    await assert.rejects(apps.update(SERVICE, { jwks: { keys: [] } }), refused('client_keys_invalid'));
    await assert.rejects(apps.update(SERVICE, { jwksUri: 'http://keys.example.com/jwks' }), refused('jwks_uri_invalid'));
    await assert.rejects(apps.update(SERVICE, { jwks: { keys: [es256.jwk] }, jwksUri: remote.url }), refused('client_keys_choice_conflict'));
    await assert.rejects(
      apps.create({ clientId: 'public.keys', displayName: 'P', clientType: 'public', loginRedirectUris: ['https://p.example.com/cb'], jwks: { keys: [es256.jwk] } }),
      refused('public_app_keys'),
    );
    const viaUri = await apps.update('secret.only', { jwksUri: 'https://keys.example.com/jwks.json' });
    assert.equal(viaUri.app.jwksUri, 'https://keys.example.com/jwks.json');
    const cleared = await apps.update('secret.only', { jwks: null, jwksUri: null });
    assert.equal(cleared.app.jwksUri, null);
    assert.equal(cleared.app.jwks, null);
  });

  it('discovery lists private_key_jwt and its algorithms', async () => {
    const doc = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json();
    assert.ok(doc.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    assert.deepEqual(doc.token_endpoint_auth_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']);
    assert.ok(doc.introspection_endpoint_auth_methods_supported.includes('private_key_jwt'));
    assert.ok(doc.revocation_endpoint_auth_methods_supported.includes('private_key_jwt'));
  });
});
