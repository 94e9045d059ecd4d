import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { verifyPassword } from '../../src/domain/password.js';

describeEachDatabase('test fixtures', (database) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
  });
  after(async () => server?.close());

  it('createTestApp registers a confidential app with the documented defaults and returns its secret once', async () => {
    const { ctx } = server.app;
    const { app, secret } = await createTestApp(ctx, { clientId: 'my.trusted.app/first' });
    assert.equal(app.clientType, 'confidential');
    assert.deepEqual(app.loginRedirectUris, ['https://app.example.com/callback']);
    assert.deepEqual(app.logoutRedirectUris, ['https://app.example.com/signed-out']);
    assert.deepEqual(app.scopes, ['read', 'update']);
    assert.equal(app.allowInternalUsers, true);
    assert.equal(app.allowCommunityUsers, false);
    assert.equal(app.allowRefreshTokens, true);
    assert.equal(app.requireConsent, true);
    assert.equal(app.accessTokenLifetime, 3600);
    assert.equal(app.refreshTokenLifetime, 30 * 86400);
    assert.ok(secret && secret.length >= 43);
    const registered = await ctx.clients.get('my.trusted.app/first');
    assert.equal(registered?.secrets.length, 1);
    assert.equal(registered?.secrets[0]?.secretHash, sha256(secret!));
  });

  it('createTestApp makes a public app without a secret', async () => {
    const { app, secret } = await createTestApp(server.app.ctx, { clientId: 'spa', clientType: 'public' });
    assert.equal(app.clientType, 'public');
    assert.equal(app.refreshTokenLifetime, 86400);
    assert.equal(secret, undefined);
  });

  it('createTestUser creates an enabled internal user with the default password', async () => {
    const { ctx } = server.app;
    const { user, password } = await createTestUser(ctx, { login: 'jane' });
    assert.equal(password, TEST_PASSWORD);
    assert.equal(user.kind, 'internal');
    assert.equal(user.enabled, true);
    assert.equal(user.email, 'jane@example.com');
    const stored = await ctx.store.users.getByLogin('JANE');
    assert.equal(stored?.id, user.id);
    assert.equal(await verifyPassword(stored?.passwordHash, TEST_PASSWORD, ctx.config.argon2), true);
  });
});
