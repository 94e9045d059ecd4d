import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { TrustedApplication } from '../../src/domain/trusted-application.js';

const T = Date.parse('2026-03-01T10:00:00Z');

const builtIn: TrustedApplication = {
  clientId: 'urn:trustgate:probe', displayName: 'Probe', clientType: 'public', loginRedirectUris: ['https://id.example.com/cb'],
  logoutRedirectUris: [], allowInternalUsers: true, allowCommunityUsers: true, scopes: [], allowRefreshTokens: false,
  requireConsent: false, accessTokenLifetime: 60, refreshTokenLifetime: 86400, enabled: true, requireMfa: false, createdAt: T, updatedAt: T,
};

/** apps.upsert: registering an app the code defines is idempotent and safe when nodes start at once. */
describeEachDatabase('store: upserting a built-in app', (database) => {
  let store: Store;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
  });
  after(async () => store?.close());

  it('inserts, then writes nothing while the definition is unchanged, then updates the fields but keeps the creation time', async () => {
    assert.equal(await store.apps.upsert(builtIn), true);
    assert.deepEqual(await store.apps.get(builtIn.clientId), builtIn);
    assert.equal(await store.apps.upsert({ ...builtIn, createdAt: T + 5, updatedAt: T + 5 }), false);
    assert.deepEqual(await store.apps.get(builtIn.clientId), builtIn, 'an unchanged definition leaves updatedAt alone');
    const renamed = { ...builtIn, displayName: 'Probe renamed', loginRedirectUris: ['https://id.example.com/new'], createdAt: T + 9, updatedAt: T + 9 };
    assert.equal(await store.apps.upsert(renamed), true);
    assert.deepEqual(await store.apps.get(builtIn.clientId), { ...renamed, createdAt: T });
  });

  it('10 concurrent upserts through separate connections all succeed and leave one record', async () => {
    const app = { ...builtIn, clientId: 'urn:trustgate:race' };
    const stores = await Promise.all(Array.from({ length: 10 }, () => openStore(database().url)));
    try {
      await Promise.all(stores.map((s, i) => s.apps.upsert({ ...app, createdAt: T + i, updatedAt: T + i })));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const found = (await store.apps.list()).filter((a) => a.clientId === app.clientId);
    assert.equal(found.length, 1);
  });
});
