import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp } from '../support/fixtures.js';
import { AppService, type NewAppInput } from '../../src/admin/app-service.js';
import { AdminError } from '../../src/errors/admin-error.js';
import { sha256 } from '../../src/tokens/opaque.js';
import { isSecretActive } from '../../src/domain/trusted-application.js';
import { refuses } from '../support/admin-assertions.js';
import { inspectDatabase } from '../support/inspect-database.js';

const base: NewAppInput = {
  clientId: 'web',
  displayName: 'Web',
  clientType: 'confidential',
  loginRedirectUris: ['https://app.example.com/cb'],
};


describeEachDatabase('admin service: Trusted Applications', (database) => {
  let server: TestServer;
  let service: AppService;
  let t = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: () => t });
    service = new AppService(server.app.ctx);
  });
  after(async () => server?.close());

  it('a confidential app must have a secret, a public app cannot', async () => {
    await refuses(service.create({ ...base }), 'a confidential app must have a secret: give --secret <value> or --generate-secret');
    const publicMessage =
      'a public app cannot have a secret (it runs in a browser or on a device and cannot keep one); drop the secret or make the app confidential';
    await refuses(service.create({ ...base, clientType: 'public', generateSecret: true }), publicMessage);
    await refuses(service.create({ ...base, clientType: 'public', secret: 'x'.repeat(40) }), publicMessage);
    await refuses(service.create({ ...base, secret: 'x'.repeat(40), generateSecret: true }), 'give either --secret or --generate-secret, not both');
    assert.equal(await server.app.ctx.store.apps.get('web'), undefined, 'nothing was stored');
  });

  it('needs a login redirect URI and an allowed user kind; applies the documented defaults', async () => {
    await refuses(service.create({ ...base, generateSecret: true, loginRedirectUris: [] }), 'at least one login redirect URI is required (--redirect-uri)');
    await refuses(
      service.create({ ...base, generateSecret: true, allowInternalUsers: false, allowCommunityUsers: false }),
      'at least one kind of user must be allowed to sign in: internal and/or community users',
    );
    const { app, generatedSecret } = await service.create({ ...base, generateSecret: true, scopes: 'read update' });
    assert.equal(app.accessTokenLifetime, 3600);
    assert.equal(app.refreshTokenLifetime, 30 * 86400);
    assert.equal(app.requireConsent, true);
    assert.equal(app.allowRefreshTokens, true);
    assert.equal(app.allowInternalUsers, true);
    assert.equal(app.allowCommunityUsers, false);
    assert.equal(app.enabled, true);
    assert.deepEqual(app.scopes, ['read', 'update']);
    assert.match(generatedSecret ?? '', /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url');
    const secrets = await server.app.ctx.store.apps.listSecrets('web');
    assert.equal(secrets.length, 1);
    assert.equal(secrets[0]!.secretHash, sha256(generatedSecret!), 'stored only as SHA-256');
    assert.ok(!JSON.stringify(secrets).includes(generatedSecret!));
  });

  it('refuses a duplicate ApplicationUri', async () => {
    await refuses(service.create({ ...base, generateSecret: true }), 'an app with ApplicationUri "web" already exists', 'conflict');
  });

  it('two simultaneous creates of one ApplicationUri: exactly one wins, the other is a conflict', async () => {
    const attempt = () => service.create({ ...base, clientId: 'racy', clientType: 'public' });
    const results = await Promise.allSettled([attempt(), attempt(), attempt()]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      assert.ok(r.reason instanceof AdminError, String(r.reason));
      assert.equal(r.reason.message, 'an app with ApplicationUri "racy" already exists');
      assert.equal(r.reason.code, 'conflict');
    }
  });

  it('a public app gets the 24-hour refresh default; a secret given by hand is stored hashed', async () => {
    const spa = await service.create({ ...base, clientId: 'spa', clientType: 'public' });
    assert.equal(spa.app.refreshTokenLifetime, 86400);
    assert.equal(spa.generatedSecret, undefined);
    const secret = 's'.repeat(40);
    const manual = await service.create({ ...base, clientId: 'manual', secret });
    assert.equal(manual.generatedSecret, undefined, 'a secret given by hand is not echoed');
    assert.equal((await server.app.ctx.store.apps.listSecrets('manual'))[0]!.secretHash, sha256(secret));
  });

  it('update replaces lists, keeps what was not given, and validates the result', async () => {
    const { app } = await service.update('web', { loginRedirectUris: ['https://new.example.com/cb'], displayName: 'Web 2' });
    assert.deepEqual(app.loginRedirectUris, ['https://new.example.com/cb']);
    assert.equal(app.displayName, 'Web 2');
    assert.deepEqual(app.scopes, ['read', 'update']);
    await refuses(
      service.update('web', { logoutRedirectUris: ['https://x.example.com/out#f'] }),
      'the logout redirect URI "https://x.example.com/out#f" is refused: it must not contain a fragment (#...) (RFC 6749 section 3.1.2)',
    );
    await refuses(service.update('nope', { displayName: 'x' }), 'no app with ApplicationUri "nope"', 'not_found');
    assert.equal((await server.app.ctx.store.apps.get('web'))!.displayName, 'Web 2');
  });

  it('signing algorithms per app: RS256, ES256 or EdDSA, or null for SIGNING_ALG; anything else is refused', async () => {
    const { app } = await service.create({ ...base, clientId: 'algs', clientType: 'public', idTokenSignedResponseAlg: 'EdDSA' });
    assert.equal(app.idTokenSignedResponseAlg, 'EdDSA');
    assert.equal(app.accessTokenSigningAlg, null, 'not given: follows SIGNING_ALG');
    for (const bad of ['HS256', 'none', 'rs256', 'PS256', '']) {
      await refuses(
        service.update('algs', { accessTokenSigningAlg: bad }),
        `the access-token signing algorithm must be RS256, ES256 or EdDSA, got ${JSON.stringify(bad)}`,
      );
      await refuses(
        service.create({ ...base, clientId: 'algs2', clientType: 'public', idTokenSignedResponseAlg: bad }),
        `the ID-token signing algorithm must be RS256, ES256 or EdDSA, got ${JSON.stringify(bad)}`,
      );
    }
    const updated = await service.update('algs', { accessTokenSigningAlg: 'ES256', idTokenSignedResponseAlg: null });
    assert.deepEqual([updated.app.idTokenSignedResponseAlg, updated.app.accessTokenSigningAlg], [null, 'ES256']);
    const stored = await server.app.ctx.store.apps.get('algs');
    assert.deepEqual([stored!.idTokenSignedResponseAlg, stored!.accessTokenSigningAlg], [null, 'ES256']);
    assert.equal(await server.app.ctx.store.apps.get('algs2'), undefined);
    await service.delete('algs');
  });

  it('switching to public revokes the secrets; switching to confidential needs a new one', async () => {
    await refuses(service.update('spa', { clientType: 'confidential' }), 'a confidential app must have a secret: give --secret <value> or --generate-secret');
    const toConfidential = await service.update('spa', { clientType: 'confidential', generateSecret: true });
    assert.ok(toConfidential.generatedSecret);
    assert.equal(toConfidential.app.refreshTokenLifetime, 30 * 86400, 'default lifetime follows the type');
    t += 1000;
    const toPublic = await service.update('spa', { clientType: 'public' });
    assert.equal(toPublic.app.clientType, 'public');
    const secrets = await server.app.ctx.store.apps.listSecrets('spa');
    assert.ok(secrets.every((s) => !isSecretActive(s, t)), 'no secret of a public app still works');
  });

  it('several secrets can be active during a rotation; the last one needs --force', async () => {
    const [first] = await service.listSecrets('web');
    const added = await service.addSecret('web', { generateSecret: true, description: 'rotation 2026' });
    assert.ok(added.generatedSecret);
    assert.equal(added.secret.status, 'active');
    const active = (await server.app.ctx.clients.get('web'))!.secrets.filter((s) => isSecretActive(s, t));
    assert.equal(active.length, 2, 'old and new secret both work during the rotation');
    const revoked = await service.revokeSecret('web', first!.id);
    assert.equal(revoked.status, 'revoked');
    await refuses(
      service.revokeSecret('web', added.secret.id),
      `secret "${added.secret.id}" is the app's last active secret: revoking it locks "web" out; add a new secret first, or repeat with --force`,
    );
    await refuses(service.revokeSecret('web', first!.id), `secret "${first!.id}" is already revoked`, 'conflict');
    await refuses(service.revokeSecret('web', 'nope'), 'app "web" has no secret with id "nope"', 'not_found');
    await refuses(service.addSecret('spa', { generateSecret: true }), '"spa" is a public app and cannot have a secret');
  });

  it('a secret may expire; an expiry must be in the future', async () => {
    await refuses(service.addSecret('web', { generateSecret: true, expiresAt: t - 1 }), 'the secret expiry must be in the future');
    const expiring = await service.addSecret('web', { secret: 'e'.repeat(32), expiresAt: t + 60_000 });
    assert.equal(expiring.generatedSecret, undefined);
    t += 61_000;
    const listed = await service.listSecrets('web');
    assert.equal(listed.find((s) => s.id === expiring.secret.id)?.status, 'expired');
  });

  it('disable and enable flip the kill switch and reach the client registry', async () => {
    await server.app.ctx.clients.get('web');
    await service.disable('web');
    assert.equal((await server.app.ctx.clients.get('web'))!.app.enabled, false, 'the local cache was invalidated');
    await service.enable('web');
    assert.equal((await server.app.ctx.clients.get('web'))!.app.enabled, true);
  });

  it('an app without any active secret can still be disabled, renamed and given a new secret', async () => {
    const { app } = await createTestApp(server.app.ctx, { clientId: 'locked-out' });
    const [only] = await service.listSecrets(app.clientId);
    await service.revokeSecret(app.clientId, only!.id, { force: true });
    assert.equal((await service.disable(app.clientId)).enabled, false);
    assert.equal((await service.update(app.clientId, { displayName: 'Renamed' })).app.displayName, 'Renamed');
    const added = await service.addSecret(app.clientId, { generateSecret: true });
    assert.equal(added.secret.status, 'active');
  });

  it('disable works even when the stored record would no longer pass registration', async () => {
    await createTestApp(server.app.ctx, { clientId: 'legacy' });
    // e.g. registered before a rule was tightened
    await (await inspectDatabase(server.app.ctx))
      .updateTable('trusted_applications')
      .set({ login_redirect_uris: JSON.stringify(['http://legacy.example.com/cb']) })
      .where('client_id', '=', 'legacy')
      .execute();
    assert.equal((await service.disable('legacy')).enabled, false);
    assert.equal((await server.app.ctx.store.apps.get('legacy'))!.enabled, false);
    assert.deepEqual((await server.app.ctx.store.apps.get('legacy'))!.loginRedirectUris, ['http://legacy.example.com/cb']);
  });

  it('delete removes the app and its secrets and revokes refresh-token families issued to it', async () => {
    const db = await inspectDatabase(server.app.ctx);
    await createTestApp(server.app.ctx, { clientId: 'doomed' });
    await db.insertInto('refresh_families').values({
      id: 'fam-1', client_id: 'doomed', user_id: 'u', scope: 'openid', sid: 's', auth_time: 1, amr: '[]',
      nonce: null, created_at: t, expires_at: t + 1e9, revoked_at: null, revoked_reason: null,
    }).execute();
    await service.delete('doomed');
    assert.equal(await server.app.ctx.store.apps.get('doomed'), undefined);
    assert.equal((await server.app.ctx.store.apps.listSecrets('doomed')).length, 0);
    const family = await db.selectFrom('refresh_families').selectAll().where('id', '=', 'fam-1').executeTakeFirstOrThrow();
    assert.notEqual(family.revoked_at, null);
    await refuses(service.delete('doomed'), 'no app with ApplicationUri "doomed"', 'not_found');
  });
});
