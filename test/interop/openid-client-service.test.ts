import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';

/**
 * openid-client 6 as a service app (issue 12 C, D): clientCredentialsGrant authenticated with a client
 * secret and with PrivateKeyJwt, the token introspected by the app itself; a replayed assertion is
 * refused. Only allowInsecureRequests is relaxed (an http://127.0.0.1 issuer in tests).
 */
describeEachDatabase('interop: openid-client service apps (client_credentials)', (database) => {
  let server: TestServer;
  let systemUserId: string;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    systemUserId = (await createTestUser(server.app.ctx, { login: 'erp-sync' })).user.id;
  });
  after(async () => server?.close());

  const insecureHttpForTests = { execute: [client.allowInsecureRequests] };

  it('clientCredentialsGrant with a client secret (client_secret_basic)', async () => {
    const { secret } = await createTestApp(server.app.ctx, { clientId: 'com.vendor/secret-service', loginRedirectUris: [], systemUser: 'erp-sync' });
    const config = await client.discovery(
      new URL(server.issuer), 'com.vendor/secret-service', undefined, client.ClientSecretBasic(secret!), insecureHttpForTests,
    );
    assert.ok(config.serverMetadata().grant_types_supported?.includes('client_credentials'));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read' });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'read');
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.id_token, undefined);
    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.sub, systemUserId);
  });

  it('clientCredentialsGrant with PrivateKeyJwt (ES256 and EdDSA keys registered, no secret); a replayed assertion is refused', async () => {
    const es = await generateKeyPair('ES256', { extractable: true });
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(es.publicKey)), kid: 'es' }, { ...(await exportJWK(ed.publicKey)), kid: 'ed' }] };
    await createTestApp(server.app.ctx, {
      clientId: 'com.vendor/keyed-service', generateSecret: false, loginRedirectUris: [], systemUser: 'erp-sync', jwks,
    });
    for (const key of [{ key: es.privateKey, kid: 'es' }, { key: ed.privateKey, kid: 'ed' }]) {
      const config = await client.discovery(
        new URL(server.issuer), 'com.vendor/keyed-service', undefined, client.PrivateKeyJwt(key), insecureHttpForTests,
      );
      assert.ok(config.serverMetadata().token_endpoint_auth_methods_supported?.includes('private_key_jwt'));
      const tokens = await client.clientCredentialsGrant(config);
      assert.equal(tokens.scope, 'read update');
      const introspection = await client.tokenIntrospection(config, tokens.access_token);
      assert.equal(introspection.active, true);
      assert.equal(introspection.client_id, 'com.vendor/keyed-service');
    }

    // the same assertion twice: capture what openid-client sends, then send it again
    let captured: URLSearchParams | undefined;
    const replaying: client.ClientAuth = async (as, c, body, headers) => {
      await client.PrivateKeyJwt({ key: es.privateKey, kid: 'es' })(as, c, body, headers);
      if (captured) {
        body.set('client_assertion', captured.get('client_assertion')!);
      } else {
        captured = new URLSearchParams(body);
      }
    };
    const config = await client.discovery(new URL(server.issuer), 'com.vendor/keyed-service', undefined, replaying, insecureHttpForTests);
    await client.clientCredentialsGrant(config);
    await assert.rejects(client.clientCredentialsGrant(config), (error: any) => {
      assert.equal(error.error, 'invalid_client');
      assert.equal(error.error_description, 'the client assertion was already used (its "jti" was seen before); make a new assertion for every request');
      return true;
    });
  });
});
