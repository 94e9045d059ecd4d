import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { decodeJwt, postForm, testClock } from '../support/token-helpers.js';
import { createTestApp, createTestUser } from '../support/fixtures.js';
import { AppService } from '../../src/admin/app-service.js';
import { UserService } from '../../src/admin/user-service.js';
import { AdminError } from '../../src/errors/admin-error.js';
import { createAccessTokenVerifier } from '../../src/resource-server/index.js';
import * as client from 'openid-client';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { startErpApi } from '../../examples/erp-api/server.js';

/**
 * Service apps (issue 12 C): grant_type=client_credentials as the app's system user. The app and the
 * user are read from the store at every request, so a change made elsewhere (another node, the CLI)
 * stops issuance at once, whatever this node's client cache holds.
 */
describeEachDatabase('token endpoint: client_credentials (service apps)', (database) => {
  let server: TestServer;
  const clock = testClock();
  let tokenUrl: string;
  const ctx = () => server.app.ctx;
  let service: { clientId: string; secret: string };
  let web: { clientId: string; secret: string };
  let robotId: string;

  before(async () => {
    // a client cache that never expires during the test (the clock stands still): only a store read sees changes
    server = await startTestServer({ databaseUrl: database().url, now: clock.now, env: { CLIENT_CACHE_SECONDS: '5' } });
    tokenUrl = `${server.issuer}/connect/token`;
    const robot = await createTestUser(ctx(), { login: 'erp-robot', kind: 'community' });
    robotId = robot.user.id;
    const created = await createTestApp(ctx(), {
      clientId: 'com.vendor/nightly-sync', loginRedirectUris: [], scopes: ['read', 'update'], systemUser: 'erp-robot',
    });
    service = { clientId: created.app.clientId, secret: created.secret! };
    const interactive = await createTestApp(ctx(), { clientId: 'my.trusted.app/first' });
    web = { clientId: interactive.app.clientId, secret: interactive.secret! };
  });
  after(async () => server?.close());

  const grant = (client: { clientId: string; secret: string }, extra: Record<string, string> = {}) =>
    postForm(tokenUrl, { grant_type: 'client_credentials', ...extra }, { basic: client });

  it('issues an access token for the system user: sub, user_kind, the app\'s API scopes; no refresh or ID token', async () => {
    const res = await grant(service);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.scope, 'read update');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const jwks = await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json();
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks), {
      issuer: server.issuer, typ: 'at+jwt', currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.sub, robotId);
    assert.equal(payload.user_kind, 'community');
    assert.equal(payload.client_id, service.clientId);
    assert.equal(payload.scope, 'read update');
    assert.equal(payload.sid, undefined, 'no sign-in stands behind a service token');
    assert.equal(payload.auth_time, undefined);
  });

  it('the requested scope narrows the token; a scope outside the app\'s or a sign-in scope is invalid_scope', async () => {
    const narrowed = await grant(service, { scope: 'read' });
    assert.equal(narrowed.status, 200);
    assert.equal(narrowed.body.scope, 'read');
    assert.equal(decodeJwt(narrowed.body.access_token).payload.scope, 'read');

    const wider = await grant(service, { scope: 'read sec' });
    assert.equal(wider.status, 400);
    assert.deepEqual(wider.body, {
      error: 'invalid_scope',
      error_description: 'the scope "sec" is not allowed for the app "com.vendor/nightly-sync"; it may request: read update',
    });
    for (const value of ['openid', 'offline_access']) {
      const res = await grant(service, { scope: `read ${value}` });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        error: 'invalid_scope',
        error_description: `"${value}" cannot be requested with client_credentials: a service app gets an access token for the APIs only (no ID token, no refresh token)`,
      });
    }
  });

  it('an API built on trustgate/resource-server accepts the service token (the system user, its kind, no session)', async () => {
    const { body } = await grant(service, { scope: 'read' });
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: 'erp-api', now: clock.now });
    const token = await verifier.verify(body.access_token, { scopes: ['read'] });
    assert.equal(token.subject, robotId);
    assert.equal(token.clientId, service.clientId);
    assert.equal(token.userKind, 'community');
    assert.equal(token.sid, undefined);
    assert.equal(token.authTime, undefined);
  });

  it('the app itself can introspect its service token (active, the system user as sub and username)', async () => {
    const { body } = await grant(service);
    const res = await postForm(`${server.issuer}/connect/introspect`, { token: body.access_token }, { basic: service });
    assert.equal(res.status, 200);
    assert.equal(res.body.active, true);
    assert.equal(res.body.sub, robotId);
    assert.equal(res.body.username, 'erp-robot');
  });

  it('an app without a system user is unauthorized_client (a confidential interactive app)', async () => {
    const res = await grant(web);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: 'unauthorized_client',
      error_description:
        'the app "my.trusted.app/first" has no system user, so it cannot use client_credentials; an administrator gives it one with app update --system-user <login>',
    });
  });

  it('a public app keeps the seed\'s "Grant type not allowed": unsupported_grant_type', async () => {
    await createTestApp(ctx(), { clientId: 'com.vendor/spa', clientType: 'public', loginRedirectUris: ['https://spa.example.com/cb'] });
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'com.vendor/spa' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: 'unsupported_grant_type',
      error_description: 'grant_type "client_credentials" is not allowed for public apps; interactive apps use authorization_code and refresh_token',
    });
  });

  it('a wrong secret is invalid_client, as for every grant', async () => {
    const res = await grant({ clientId: service.clientId, secret: 'x'.repeat(43) });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
  });

  it('disabling the app elsewhere stops issuance at once, although this node\'s client cache still holds it enabled', async () => {
    assert.equal((await grant(service)).status, 200); // the cache now holds the enabled app
    const app = (await ctx().store.apps.get(service.clientId))!;
    // another node's change: this node's cache is not told
    await ctx().store.apps.update({ ...app, enabled: false, updatedAt: app.updatedAt + 1 });
    const res = await grant(service);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'unauthorized_client', error_description: 'the app "com.vendor/nightly-sync" is disabled; ask an administrator to enable it' });
    await ctx().store.apps.update({ ...app, updatedAt: app.updatedAt + 2 });
    assert.equal((await grant(service)).status, 200);
  });

  it('removing the system user elsewhere stops issuance at once', async () => {
    assert.equal((await grant(service)).status, 200);
    const app = (await ctx().store.apps.get(service.clientId))!;
    await ctx().store.apps.update({ ...app, systemUserId: null, updatedAt: app.updatedAt + 1 });
    const res = await grant(service);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'unauthorized_client');
    await ctx().store.apps.update({ ...app, updatedAt: app.updatedAt + 2 });
  });

  it('disabling the system user stops issuance at once; enabling it again restores it', async () => {
    assert.equal((await grant(service)).status, 200);
    await new UserService(ctx()).disable('erp-robot');
    const res = await grant(service);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: 'unauthorized_client',
      error_description: 'the system user of the app "com.vendor/nightly-sync" is disabled; ask an administrator to enable it',
    });
    await new UserService(ctx()).enable('erp-robot');
    assert.equal((await grant(service)).status, 200);
  });

  it('admin rules: a public app cannot have a system user; the user must exist; --no-system-user clears it', async () => {
    const apps = new AppService(ctx());
    await assert.rejects(
      apps.create({ clientId: 'public.service', displayName: 'P', clientType: 'public', loginRedirectUris: ['https://p.example.com/cb'], systemUser: 'erp-robot' }),
      (error: unknown) => error instanceof AdminError && error.reason === 'public_app_system_user',
    );
    await assert.rejects(
      apps.update(service.clientId, { clientType: 'public' }),
      (error: unknown) => error instanceof AdminError && error.reason === 'public_app_system_user',
    );
    await assert.rejects(
      apps.update(web.clientId, { systemUser: 'nobody' }),
      (error: unknown) => error instanceof AdminError && error.reason === 'system_user_not_found',
    );
    const given = await apps.update(web.clientId, { systemUser: 'ERP-Robot' });
    assert.equal(given.app.systemUserId, robotId, 'logins match without regard to case');
    assert.equal((await grant(web)).status, 200);
    const cleared = await apps.update(web.clientId, { systemUser: null });
    assert.equal(cleared.app.systemUserId, null);
    assert.equal((await grant(web)).body.error, 'unauthorized_client');
  });

  it('with a DPoP proof the service token is bound to the key (openid-client): the API admits it only with a proof of that key', async () => {
    clock.advance(2); // after the revocations the tests above caused (disabled app, user), which refuse older tokens
    const config = await client.discovery(new URL(server.issuer), service.clientId, undefined, client.ClientSecretBasic(service.secret), { execute: [client.allowInsecureRequests] });
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read' }, { DPoP: client.getDPoPHandle(config, keyPair) });
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(decodeJwt(tokens.access_token).payload.cnf, { jkt });
    const introspection = await postForm(`${server.issuer}/connect/introspect`, { token: tokens.access_token }, { basic: service });
    assert.deepEqual(introspection.body.cnf, { jkt }, JSON.stringify(introspection.body));
    assert.equal(introspection.body.token_type, 'DPoP');

    const api = await startErpApi({
      issuer: server.issuer, audience: 'erp-api', databasePath: ':memory:', corsOrigins: [], port: 0, host: '127.0.0.1',
      verifier: createAccessTokenVerifier({ issuer: server.issuer, audience: 'erp-api', now: clock.now }),
    });
    try {
      const me = new URL(`${api.url}/api/me`);
      // a copied token is worthless: as Bearer, or as DPoP with a proof of another key
      const asBearer = await fetch(me, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(asBearer.status, 401);
      const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      await assert.rejects(client.fetchProtectedResource(config, tokens.access_token, me, 'GET', undefined, undefined, { DPoP: thief }), (error: any) => error?.status === 401 || error?.response?.status === 401 || /401|invalid_dpop_proof/.test(String(error)));
      const res = await client.fetchProtectedResource(config, tokens.access_token, me, 'GET', undefined, undefined, { DPoP: client.getDPoPHandle(config, keyPair) });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { sub: string }).sub, robotId);
    } finally {
      await api.close();
    }
  });

  it('--require-dpop: a service app must send a proof', async () => {
    const apps = new AppService(ctx());
    await apps.update(service.clientId, { requireDpop: true });
    try {
      const res = await grant(service);
      assert.equal(res.body.error, 'invalid_request');
    } finally {
      await apps.update(service.clientId, { requireDpop: false });
    }
  });

  it('discovery lists the grant', async () => {
    const doc = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json();
    assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials']);
  });
});
