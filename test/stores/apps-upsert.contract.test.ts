import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { anApp, race, useStores } from './support.js';

const builtIn = anApp('urn:trustgate:probe', { clientType: 'public', allowCommunityUsers: true, scopes: [], allowRefreshTokens: false });

/** apps.upsert: registering an app the code defines is idempotent and safe when nodes start at once. */
describeEachDatabase('store contract: upserting a built-in app', (database) => {
  const { store, other } = useStores(database);

  it('inserts, then writes nothing while the definition is unchanged, then updates the fields but keeps the creation time', async () => {
    assert.equal(await store().apps.upsert(builtIn), true);
    assert.deepEqual(await store().apps.get(builtIn.clientId), builtIn);
    assert.equal(await store().apps.upsert({ ...builtIn, createdAt: builtIn.createdAt + 5, updatedAt: builtIn.updatedAt + 5 }), false);
    assert.deepEqual(await store().apps.get(builtIn.clientId), builtIn, 'an unchanged definition leaves updatedAt alone');
    const renamed = { ...builtIn, displayName: 'Probe renamed', loginRedirectUris: ['https://id.example.com/new'], updatedAt: builtIn.updatedAt + 9 };
    assert.equal(await store().apps.upsert({ ...renamed, createdAt: builtIn.createdAt + 9 }), true);
    assert.deepEqual(await store().apps.get(builtIn.clientId), renamed);
  });

  it('10 concurrent upserts on two stores all succeed and leave one record', async () => {
    const app = { ...builtIn, clientId: 'urn:trustgate:race' };
    await race(10, (i) => (i % 2 === 0 ? store() : other()).apps.upsert({ ...app, updatedAt: app.updatedAt + i }));
    assert.equal((await store().apps.list()).filter((a) => a.clientId === app.clientId).length, 1);
  });
});
