import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { refuses } from '../support/admin-assertions.js';
import { AppService } from '../../src/admin/app-service.js';
import { ACCOUNT_CLIENT_ID } from '../../src/domain/built-in-apps.js';

/** The account area's own Trusted Application: registered by every server at start, never by hand. */
describeEachDatabase('built-in account app', (database) => {
  it('two servers starting at once on one PostgreSQL database both register it, once, with the right definition', async (t) => {
    if (database().kind !== 'postgres') {
      // SQLite is for one node: its migrations take no lock between processes (nor between two servers in one)
      t.skip('several nodes need PostgreSQL');
      return;
    }
    const servers: TestServer[] = [];
    try {
      const started = await Promise.allSettled(
        [0, 1].map(() => startTestServer({ databaseUrl: database().url, env: { INSTANCE_NAME: 'Acme ERP' } })),
      );
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      assert.deepEqual(started.map((r) => r.status), ['fulfilled', 'fulfilled'], String(started.find((r) => r.status === 'rejected')?.reason));
      const [first, second] = servers as [TestServer, TestServer];
      const apps = await first.app.ctx.store.apps.list();
      const registered = apps.filter((app) => app.clientId === ACCOUNT_CLIENT_ID);
      assert.equal(registered.length, 1);
      assert.deepEqual(registered[0], {
        ...registered[0],
        clientId: 'urn:trustgate:account',
        displayName: 'Acme ERP account',
        clientType: 'public',
        // both test servers have their own port, so the last one to start wrote its issuer
        loginRedirectUris: [registered[0]!.loginRedirectUris[0]!],
        logoutRedirectUris: [],
        allowInternalUsers: true,
        allowCommunityUsers: true,
        scopes: [],
        allowRefreshTokens: false,
        requireConsent: false,
        enabled: true,
      });
      assert.ok([`${first.issuer}/account/callback`, `${second.issuer}/account/callback`].includes(registered[0]!.loginRedirectUris[0]!));
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });

  it('a restart with the same settings changes nothing; a new INSTANCE_NAME or ISSUER_URL updates it', async () => {
    const first = await startTestServer({ databaseUrl: database().url, env: { INSTANCE_NAME: 'Acme ERP' } });
    const before = (await first.app.ctx.store.apps.get(ACCOUNT_CLIENT_ID))!;
    assert.deepEqual(before.loginRedirectUris, [`${first.issuer}/account/callback`]);
    await first.close();
    const renamed = await startTestServer({ databaseUrl: database().url, env: { INSTANCE_NAME: 'Acme Portal' } });
    try {
      const after = (await renamed.app.ctx.store.apps.get(ACCOUNT_CLIENT_ID))!;
      assert.equal(after.displayName, 'Acme Portal account');
      assert.deepEqual(after.loginRedirectUris, [`${renamed.issuer}/account/callback`]);
      assert.equal(after.createdAt, before.createdAt, 'the record is updated, not replaced');
    } finally {
      await renamed.close();
    }
  });

  it('administrators cannot create, change, disable or delete apps under urn:trustgate:', async () => {
    const server = await startTestServer({ databaseUrl: database().url });
    try {
      const apps = new AppService(server.app.ctx);
      const builtIn =
        '"urn:trustgate:account" is built into Trustgate and cannot be changed, disabled or deleted; every server registers it at start-up';
      await refuses(apps.delete(ACCOUNT_CLIENT_ID), builtIn);
      await refuses(apps.update(ACCOUNT_CLIENT_ID, { displayName: 'Mine now', loginRedirectUris: ['https://evil.example.com/cb'] }), builtIn);
      await refuses(apps.disable(ACCOUNT_CLIENT_ID), builtIn);
      await refuses(apps.addSecret(ACCOUNT_CLIENT_ID, { generateSecret: true }), builtIn);
      await refuses(
        apps.create({ clientId: 'urn:trustgate:other', displayName: 'Other', clientType: 'public', loginRedirectUris: ['https://app.example.com/cb'] }),
        'ApplicationUris starting with "urn:trustgate:" are reserved for the apps built into Trustgate',
      );
      const app = (await apps.show(ACCOUNT_CLIENT_ID)).app;
      assert.equal(app.displayName, 'Trustgate account');
      assert.equal(app.enabled, true);
      assert.deepEqual(app.loginRedirectUris, [`${server.issuer}/account/callback`]);
    } finally {
      await server.close();
    }
  });
});
