import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as client from 'openid-client';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, signIn } from '../support/browser.js';

/**
 * openid-client 6 (the certified relying-party library) against the running server: discovery, the
 * code + PKCE flow (the browser part through TestBrowser), ID token validation, userinfo, refresh,
 * introspection and revocation. The only option used is allowInsecureRequests, which an http://127.0.0.1
 * issuer in tests requires; nothing else is relaxed.
 */
describeEachDatabase('interop: openid-client', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    world = await setupTokenWorld(server.app.ctx);
  });
  after(async () => server?.close());

  const insecureHttpForTests = { execute: [client.allowInsecureRequests] };

  /** The browser leg: openid-client's authorization URL, a person signing in, the URL the app gets back. */
  async function browse(authorizationUrl: URL): Promise<URL> {
    assert.equal(`${authorizationUrl.origin}${authorizationUrl.pathname}`, `${server.issuer}/connect/authorize`);
    const params = Object.fromEntries(authorizationUrl.searchParams);
    return signIn(new TestBrowser(), server.issuer, params, { login: world.user.login, password: world.user.password });
  }

  it('confidential app (client_secret_basic): discovery, code + PKCE, ID token, userinfo, refresh, introspection, revocation', async () => {
    const config = await client.discovery(
      new URL(server.issuer), world.web.clientId, undefined, client.ClientSecretBasic(world.web.secret), insecureHttpForTests,
    );
    assert.equal(config.serverMetadata().issuer, server.issuer);

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid profile email offline_access read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await browse(url);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'openid profile email offline_access read');
    const claims = tokens.claims()!;
    assert.equal(claims.sub, world.user.id);
    assert.equal(claims.preferred_username, 'alice');
    assert.equal(claims.nonce, nonce);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, world.user.id);
    assert.equal(userinfo.email, 'alice@example.com');

    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.username, 'alice');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims()!.sub, world.user.id);
    assert.equal((await client.fetchUserInfo(config, refreshed.access_token, claims.sub)).sub, world.user.id);

    await client.tokenRevocation(config, refreshed.refresh_token!, { token_type_hint: 'refresh_token' });
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token!), (error: any) => {
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
    await assert.rejects(client.fetchUserInfo(config, refreshed.access_token, claims.sub), (error: any) => {
      assert.equal(error.status ?? error.response?.status, 401);
      return true;
    });
  });

  it('confidential app (client_secret_post)', async () => {
    const config = await client.discovery(
      new URL(server.issuer), world.web.clientId, undefined, client.ClientSecretPost(world.web.secret), insecureHttpForTests,
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const callback = await browse(client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://app.example.com/callback', scope: 'openid read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state,
    }));
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
    assert.equal(tokens.claims()!.sub, world.user.id);
    await client.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' });
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, world.user.id));
  });

  it('public app (PKCE, no secret): code flow, userinfo, refresh, revocation', async () => {
    const config = await client.discovery(new URL(server.issuer), world.spa.clientId, undefined, client.None(), insecureHttpForTests);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const callback = await browse(client.buildAuthorizationUrl(config, {
      redirect_uri: 'https://spa.example.com/index.html', scope: 'openid offline_access read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
    }));
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    const sub = tokens.claims()!.sub;
    assert.equal((await client.fetchUserInfo(config, tokens.access_token, sub)).sub, world.user.id);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.refresh_token);
    await client.tokenRevocation(config, refreshed.refresh_token!);
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token!));
  });
});
