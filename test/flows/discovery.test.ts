import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { importJWK, SignJWT, jwtVerify, createLocalJWKSet, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { rotateKeysNow } from '../support/token-helpers.js';

interface Jwks {
  keys: (JWK & { kid: string })[];
}

describeEachDatabase('discovery and JWKS under a path issuer', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, issuerPath: '/id' });
  });
  after(async () => server?.close());

  const discoveryUrl = () => `${server.issuer}/.well-known/openid-configuration`;
  const jwksUrl = () => `${server.issuer}/.well-known/openid-configuration/jwks`;

  it('serves the OpenID Provider metadata at {issuer}/.well-known/openid-configuration', async () => {
    const res = await fetch(discoveryUrl());
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const doc = (await res.json()) as Record<string, unknown>;
    const issuer = server.issuer;
    assert.equal(doc.issuer, issuer);
    assert.equal(doc.authorization_endpoint, `${issuer}/connect/authorize`);
    assert.equal(doc.token_endpoint, `${issuer}/connect/token`);
    assert.equal(doc.userinfo_endpoint, `${issuer}/connect/userinfo`);
    assert.equal(doc.revocation_endpoint, `${issuer}/connect/revocation`);
    assert.equal(doc.introspection_endpoint, `${issuer}/connect/introspect`);
    assert.equal(doc.end_session_endpoint, `${issuer}/connect/endsession`);
    assert.equal(doc.jwks_uri, `${issuer}/.well-known/openid-configuration/jwks`);
    assert.deepEqual(doc.scopes_supported, ['openid', 'profile', 'email', 'offline_access', 'read', 'update']);
    assert.deepEqual(doc.response_types_supported, ['code']);
    assert.deepEqual(doc.response_modes_supported, ['query', 'form_post']);
    assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials']);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    assert.deepEqual(doc.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
    assert.deepEqual(doc.revocation_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    for (const endpoint of ['token', 'introspection', 'revocation']) {
      assert.deepEqual(doc[`${endpoint}_endpoint_auth_signing_alg_values_supported`], ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']);
    }
    assert.deepEqual(doc.subject_types_supported, ['public']);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256', 'ES256', 'EdDSA']);
    assert.deepEqual(doc.access_token_signing_alg_values_supported, ['RS256', 'ES256', 'EdDSA']);
    assert.deepEqual(doc.prompt_values_supported, ['none', 'login', 'consent']);
    assert.equal(doc.claims_parameter_supported, false);
    assert.equal(doc.request_parameter_supported, false);
    assert.equal(doc.request_uri_parameter_supported, false);
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
    for (const claim of ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'amr', 'at_hash',
      'name', 'preferred_username', 'locale', 'email', 'email_verified']) {
      assert.ok((doc.claims_supported as string[]).includes(claim), `claims_supported lists ${claim}`);
    }
  });

  it('advertises nothing it does not implement', async () => {
    const doc = (await (await fetch(discoveryUrl())).json()) as Record<string, unknown>;
    for (const absent of ['frontchannel_logout_supported', 'backchannel_logout_supported', 'registration_endpoint',
      'request_object_signing_alg_values_supported',
      'userinfo_signing_alg_values_supported', 'check_session_iframe']) {
      assert.equal(doc[absent], undefined, `${absent} must not be advertised`);
    }
    assert.ok(!(doc.grant_types_supported as string[]).includes('implicit'));
    assert.ok(!(doc.code_challenge_methods_supported as string[]).includes('plain'));
  });

  it('puts every advertised URL under the issuer path', async () => {
    const doc = (await (await fetch(discoveryUrl())).json()) as Record<string, unknown>;
    const urls = Object.entries(doc).filter(([key]) => key.endsWith('_endpoint') || key === 'jwks_uri');
    assert.equal(urls.length, 9); // with the revocation feed (registered APIs) and PAR
    for (const [key, value] of urls) {
      assert.ok(String(value).startsWith(`${server.issuer}/`), `${key} = ${String(value)} is under ${server.issuer}`);
    }
  });

  it('openid-client (a certified relying-party library) discovers the path issuer and accepts its metadata', async () => {
    const config = await oidc.discovery(new URL(server.issuer), 'any-client', undefined, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, server.issuer);
    assert.equal(metadata.token_endpoint, `${server.issuer}/connect/token`);
    assert.equal(metadata.supportsPKCE('S256'), true);
  });

  it('is not served at the root when the issuer has a path', async () => {
    const res = await fetch(`${server.origin}/.well-known/openid-configuration`);
    assert.equal(res.status, 404);
  });

  it('sends HTTP caching headers and answers 304 to a matching If-None-Match', async () => {
    for (const url of [discoveryUrl(), jwksUrl()]) {
      const res = await fetch(url);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const etag = res.headers.get('etag');
      assert.match(etag ?? '', /^"[A-Za-z0-9_-]+"$/);
      const again = await fetch(url, { headers: { 'If-None-Match': etag! } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), '');
      const other = await fetch(url, { headers: { 'If-None-Match': '"something-else"' } });
      assert.equal(other.status, 200);
    }
  });

  it('publishes the current signing key (RS256, use sig, no private parts) in the JWKS', async () => {
    const res = await fetch(jwksUrl());
    assert.equal(res.status, 200);
    const jwks = (await res.json()) as Jwks;
    const current = await server.app.ctx.keys.current();
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key!.kid, current.kid);
    assert.equal(key!.kty, 'RSA');
    assert.equal(key!.alg, 'RS256');
    assert.equal(key!.use, 'sig');
    for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal((key as Record<string, unknown>)[privatePart], undefined);
    assert.ok(Buffer.from(key!.n!, 'base64url').length >= 256, 'a 2048-bit modulus');
    // a token signed with the current private key verifies against the published key set
    const token = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'RS256', kid: current.kid })
      .setIssuer(server.issuer)
      .sign(current.privateKey);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: server.issuer });
    assert.equal(payload.sub, 'x');
    await importJWK(key!, 'RS256');
  });

  it('after a key rotation publishes both the new and the previous key, and signs with the new one', async () => {
    const before = (await (await fetch(jwksUrl())).json()) as Jwks;
    const oldKid = before.keys[0]!.kid;
    const newKid = await rotateKeysNow(server.app.ctx, 3600);
    assert.notEqual(newKid, oldKid);
    const res = await fetch(jwksUrl(), { headers: { 'If-None-Match': '"stale"' } });
    const after = (await res.json()) as Jwks;
    assert.deepEqual(after.keys.map((k) => k.kid).sort(), [newKid, oldKid].sort());
    assert.equal(after.keys[0]!.kid, newKid, 'the newest key comes first');
    assert.equal((await server.app.ctx.keys.current()).kid, newKid);
  });
});
