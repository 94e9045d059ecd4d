import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as client from 'openid-client';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, signIn } from '../support/browser.js';
import { createAccessTokenVerifier } from '../../src/resource-server/index.js';

/**
 * openid-client 6 signs in and refreshes against a server that signs with ES256, and one that signs
 * with EdDSA (Ed25519): it validates the ID tokens (registered with that `id_token_signed_response_alg`,
 * so nothing else would be accepted), and the resource-server module verifies the access tokens
 * against the issuer's JWKS, as an API does.
 */
describeEachDatabase('interop: openid-client with ES256 and EdDSA servers', (database) => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    let server: TestServer;
    let world: TokenWorld;
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase(database().kind); // a database per server
      server = await startTestServer({ databaseUrl: db.url, env: { SIGNING_ALG: alg } });
      world = await setupTokenWorld(server.app.ctx);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    it(`${alg}: sign-in (code + PKCE), ID token validation, userinfo, refresh; the API module verifies the access tokens`, async () => {
      const config = await client.discovery(
        new URL(server.issuer),
        world.web.clientId,
        { id_token_signed_response_alg: alg },
        client.ClientSecretBasic(world.web.secret),
        { execute: [client.allowInsecureRequests] },
      );
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: 'https://app.example.com/callback',
        scope: 'openid profile offline_access read',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const callback = await signIn(new TestBrowser(), server.issuer, Object.fromEntries(url.searchParams), {
        login: world.user.login,
        password: world.user.password,
      });
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      assert.equal(claims.sub, world.user.id);
      assert.equal(claims.nonce, nonce);
      assert.equal(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()).alg, alg);
      assert.equal((await client.fetchUserInfo(config, tokens.access_token, claims.sub)).sub, world.user.id);

      const api = createAccessTokenVerifier({ issuer: server.issuer, audience: 'erp-api' });
      const accessToken = await api.verify(tokens.access_token, { scopes: ['read'] });
      assert.equal(accessToken.subject, world.user.id);
      assert.equal(accessToken.clientId, world.web.clientId);

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      assert.equal(refreshed.claims()!.sub, world.user.id);
      assert.equal((await api.verify(refreshed.access_token, { scopes: ['read'] })).subject, world.user.id);
    });
  }
});
