import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { compactVerify, createLocalJWKSet, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { decodeJwt, mintCode, postForm } from '../support/token-helpers.js';
import { rotateDueKeys } from '../../src/keys/rotation-schedule.js';

const CALLBACK = 'https://app.example.com/callback';
const LOGOUT = 'https://app.example.com/signed-out';

interface Jwks {
  keys: (JWK & { kid: string; alg: string })[];
}

/** What each algorithm's published key looks like (RFC 7518 6.2, RFC 8037 2). */
const KEY_SHAPE: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/**
 * OpenID Connect Core 3.1.3.6, computed here independently: the left half of the hash of the access
 * token, SHA-256 for RS256 and ES256, SHA-512 for EdDSA (Ed25519).
 */
function expectedAtHash(accessToken: string, idTokenAlg: string): string {
  const digest = createHash(idTokenAlg === 'EdDSA' ? 'sha512' : 'sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** A server on a database of its own, with a confidential app and a user. */
async function startServer(kind: TestDatabase['kind'], env: Record<string, string>) {
  const db = await createTestDatabase(kind);
  const server = await startTestServer({ databaseUrl: db.url, env });
  const ctx = server.app.ctx;
  const { secret } = await createTestApp(ctx, { clientId: 'web.app', requireConsent: false });
  const { user } = await createTestUser(ctx, { login: 'alice' });
  const web = { clientId: 'web.app', secret: secret! };
  return {
    db,
    server,
    user,
    web,
    jwks: async () => (await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json()) as Jwks,
    /** tokens from the token endpoint for a code minted for `app` */
    async tokens(app: { clientId: string; secret: string } = web, scope = ['openid', 'offline_access', 'read']) {
      const code = await mintCode(ctx, { clientId: app.clientId, userId: user.id, scope });
      const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK }, { basic: app });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as Record<string, string>;
    },
    async refresh(refreshToken: string, app: { clientId: string; secret: string } = web) {
      const res = await postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, { basic: app });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as Record<string, string>;
    },
    userinfo: (accessToken: string) => fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } }),
    async close() {
      await server.close();
      await db.drop();
    },
  };
}
type Running = Awaited<ReturnType<typeof startServer>>;

/** The token is signed by the published key its header names, under that key's algorithm. */
async function assertSignedWith(token: string, jwks: Jwks, alg: string, typ: string): Promise<string> {
  const { protectedHeader } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: [alg] });
  assert.equal(protectedHeader.alg, alg);
  assert.equal(protectedHeader.typ, typ);
  assert.equal(jwks.keys.find((key) => key.kid === protectedHeader.kid)?.alg, alg);
  return protectedHeader.kid!;
}

describeEachDatabase('signing algorithms: SIGNING_ALG ES256 and EdDSA', (database) => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    let running: Running;
    before(async () => {
      running = await startServer(database().kind, { SIGNING_ALG: alg });
    });
    after(async () => running?.close());

    it(`${alg}: discovery lists it first, the JWKS publishes its key, tokens and refreshed tokens are signed with it`, async () => {
      const doc = (await (await fetch(`${running.server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
      assert.equal(doc.id_token_signing_alg_values_supported![0], alg);
      assert.deepEqual([...doc.id_token_signing_alg_values_supported!].sort(), ['ES256', 'EdDSA', 'RS256']);
      assert.deepEqual(doc.access_token_signing_alg_values_supported, doc.id_token_signing_alg_values_supported);

      const jwks = await running.jwks();
      assert.equal(jwks.keys.length, 1);
      const [key] = jwks.keys;
      assert.deepEqual({ kty: key!.kty, crv: key!.crv }, { kty: KEY_SHAPE[alg]!.kty, crv: KEY_SHAPE[alg]!.crv });
      assert.equal(key!.alg, alg);
      assert.equal(key!.use, 'sig');
      assert.equal((key as Record<string, unknown>).d, undefined, 'no private part');

      const tokens = await running.tokens();
      assert.equal(await assertSignedWith(tokens.access_token!, jwks, alg, 'at+jwt'), key!.kid);
      await assertSignedWith(tokens.id_token!, jwks, alg, 'JWT');
      assert.equal(decodeJwt(tokens.id_token!).payload.at_hash, expectedAtHash(tokens.access_token!, alg));
      assert.equal((await running.userinfo(tokens.access_token!)).status, 200);
      const introspection = await postForm(`${running.server.issuer}/connect/introspect`, { token: tokens.access_token! }, { basic: running.web });
      assert.equal(introspection.body.active, true);

      const refreshed = await running.refresh(tokens.refresh_token!);
      await assertSignedWith(refreshed.access_token!, jwks, alg, 'at+jwt');
      await assertSignedWith(refreshed.id_token!, jwks, alg, 'JWT');
      assert.equal(decodeJwt(refreshed.id_token!).payload.at_hash, expectedAtHash(refreshed.access_token!, alg));

      // the ID token works as id_token_hint: RP-initiated logout returns to the app's logout URI
      const logout = await fetch(
        `${running.server.issuer}/connect/endsession?${new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT })}`,
        { redirect: 'manual' },
      );
      assert.equal(logout.status, 303);
      assert.equal(logout.headers.get('location'), LOGOUT);
    });
  }
});

describeEachDatabase('signing algorithms: per-app choices on an RS256 server', (database) => {
  let running: Running;
  let mixed: { clientId: string; secret: string };
  before(async () => {
    running = await startServer(database().kind, {});
    const created = await createTestApp(running.server.app.ctx, {
      clientId: 'mixed.app', requireConsent: false, idTokenSignedResponseAlg: 'EdDSA', accessTokenSigningAlg: 'ES256',
    });
    mixed = { clientId: 'mixed.app', secret: created.secret! };
  });
  after(async () => running?.close());

  it('the scheduled check gives every algorithm an app chose its key before the app signs in', async () => {
    assert.deepEqual((await running.jwks()).keys.map((key) => key.alg), ['RS256']);
    await rotateDueKeys(running.server.app.ctx);
    assert.deepEqual((await running.jwks()).keys.map((key) => key.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
  });

  it("an app's ID tokens and access tokens use the algorithms it chose; other apps keep SIGNING_ALG", async () => {
    const jwks = await running.jwks();
    for (const key of jwks.keys) assert.deepEqual({ kty: key.kty, crv: key.crv }, { kty: KEY_SHAPE[key.alg]!.kty, crv: KEY_SHAPE[key.alg]!.crv });

    const tokens = await running.tokens(mixed);
    await assertSignedWith(tokens.access_token!, jwks, 'ES256', 'at+jwt');
    await assertSignedWith(tokens.id_token!, jwks, 'EdDSA', 'JWT');
    assert.equal(decodeJwt(tokens.id_token!).payload.at_hash, expectedAtHash(tokens.access_token!, 'EdDSA'), 'at_hash follows the ID token\'s alg');
    assert.equal((await running.userinfo(tokens.access_token!)).status, 200);
    const refreshed = await running.refresh(tokens.refresh_token!, mixed);
    await assertSignedWith(refreshed.access_token!, jwks, 'ES256', 'at+jwt');
    await assertSignedWith(refreshed.id_token!, jwks, 'EdDSA', 'JWT');

    const plain = await running.tokens();
    await assertSignedWith(plain.access_token!, jwks, 'RS256', 'at+jwt');
    await assertSignedWith(plain.id_token!, jwks, 'RS256', 'JWT');
    assert.equal(decodeJwt(plain.id_token!).payload.at_hash, expectedAtHash(plain.access_token!, 'RS256'));
  });

  it('a changed choice applies to the next tokens', async () => {
    const { AppService } = await import('../../src/admin/app-service.js');
    await new AppService(running.server.app.ctx).update('mixed.app', { idTokenSignedResponseAlg: null, accessTokenSigningAlg: 'EdDSA' });
    const tokens = await running.tokens(mixed);
    const jwks = await running.jwks();
    await assertSignedWith(tokens.access_token!, jwks, 'EdDSA', 'at+jwt');
    await assertSignedWith(tokens.id_token!, jwks, 'RS256', 'JWT');
  });

  it('tokens claiming `none`, an HMAC algorithm or another algorithm than their key are refused', async () => {
    const ctx = running.server.app.ctx;
    const jwks = await running.jwks();
    const rsa = jwks.keys.find((key) => key.alg === 'RS256')!;
    const iat = Math.floor(Date.now() / 1000);
    const claims = { iss: running.server.issuer, aud: 'erp-api', sub: running.user.id, client_id: 'web.app', scope: 'openid', jti: 'forged', iat, exp: iat + 600 };
    const expectRefused = async (token: string, description: string) => {
      const res = await running.userinfo(token);
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as Record<string, string>).error_description, description);
    };
    // HS256 keyed with the published RSA key's JWK text: the classic algorithm-confusion forgery
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: rsa.kid }).sign(new TextEncoder().encode(JSON.stringify(rsa)));
    await expectRefused(hs, 'the access token is not signed with the algorithm of its key (alg)');
    const none = new UnsecuredJWT(claims).encode().replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: rsa.kid })).toString('base64url'));
    await expectRefused(none, 'the access token is malformed');
    await expectRefused(`${none}AAAA`, 'the access token is not signed with the algorithm of its key (alg)');
    // a valid EdDSA signature by our own EdDSA key, presented under the RS256 key's kid
    const ed = await ctx.keys.current('EdDSA');
    const misfiled = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: rsa.kid }).sign(ed.privateKey);
    await expectRefused(misfiled, 'the access token is not signed with the algorithm of its key (alg)');
    // the same token under its own kid is what the server would have issued: accepted
    const proper = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: ed.kid }).sign(ed.privateKey);
    assert.equal((await running.userinfo(proper)).status, 200);

    // an ID token signed the confused way is no id_token_hint
    const hint = await new SignJWT({ sub: running.user.id, aud: 'web.app', iss: running.server.issuer })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .sign(new TextEncoder().encode(JSON.stringify(rsa)));
    const logout = await fetch(`${running.server.issuer}/connect/endsession?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: LOGOUT })}`, {
      redirect: 'manual',
    });
    assert.equal(logout.status, 200, 'the signed-out page, not a redirect');
  });
});
