import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { race, useStores } from './support.js';

/** ConsentsStore: per user and app, the union of the scopes allowed; concurrent grants lose nothing. */
describeEachDatabase('store contract: consents', (database, kind) => {
  const { store, other } = useStores(database);

  it('consents are the union of what was granted', async () => {
    assert.deepEqual(await store().consents.get('u1', 'app'), []);
    await store().consents.grant('u1', 'app', ['openid', 'read'], 1);
    await store().consents.grant('u1', 'app', ['read', 'update'], 2);
    assert.deepEqual(await store().consents.get('u1', 'app'), ['openid', 'read', 'update']);
    assert.deepEqual(await store().consents.get('u1', 'other'), []);
    const many = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    await Promise.all(many.map((scope, i) => store().consents.grant('u2', 'app', [scope], i)));
    assert.deepEqual((await store().consents.get('u2', 'app')).sort(), many, 'concurrent grants lose no scope');
    assert.equal(await store().consents.revoke('u1', 'app'), 1);
    assert.deepEqual(await store().consents.get('u1', 'app'), []);
  });

  it('a grant keeps the order scopes were first granted in; granting held scopes again changes nothing', async () => {
    await store().consents.grant('order', 'app', ['update', 'openid'], 1);
    await store().consents.grant('order', 'app', ['read', 'openid', 'update'], 2);
    assert.deepEqual(await store().consents.get('order', 'app'), ['update', 'openid', 'read']);
    await store().consents.grant('order', 'app', ['openid'], 3);
    await store().consents.grant('order', 'app', [], 4);
    assert.deepEqual(await store().consents.get('order', 'app'), ['update', 'openid', 'read']);
    assert.deepEqual(await store().consents.get('order', 'app/other'), [], 'per app');
    assert.deepEqual(await store().consents.get('order2', 'app'), [], 'per user');
  });

  it('20 concurrent grants of different scopes to one user and app lose none', async () => {
    const scopes = Array.from({ length: 20 }, (_, i) => `scope-${String(i).padStart(2, '0')}`);
    const settled = await Promise.allSettled(scopes.map((scope, i) => store().consents.grant('racer', 'app', [scope], i)));
    assert.deepEqual(settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason)), [], 'no grant failed');
    assert.deepEqual((await store().consents.get('racer', 'app')).sort(), scopes);
  });

  it('concurrent grants from two stores on the same database (two nodes) lose none', async () => {
    const scopes = Array.from({ length: 8 }, (_, i) => `node-scope-${i}`);
    // a grant is a short transaction; on SQLite a second store in this same thread could only wait on the
    // first (a real second node is another process), so there the race runs on one store
    const nodes = kind === 'postgres' ? [store(), other()] : [store()];
    await race(8, (i) => nodes[i % nodes.length]!.consents.grant('two-nodes', 'app', [scopes[i]!], i));
    assert.deepEqual((await store().consents.get('two-nodes', 'app')).sort(), scopes);
  });

  it('revoke forgets one app\'s grant, or all of the user\'s grants, and says how many', async () => {
    for (const app of ['r-a', 'r-b', 'r-c']) await store().consents.grant('revoker', app, ['read'], 1);
    await store().consents.grant('bystander', 'r-a', ['read'], 1);
    assert.equal(await store().consents.revoke('revoker', 'r-a'), 1);
    assert.deepEqual(await store().consents.get('revoker', 'r-a'), []);
    assert.deepEqual(await store().consents.get('revoker', 'r-b'), ['read']);
    assert.equal(await store().consents.revoke('revoker', 'r-a'), 0, 'already forgotten');
    assert.equal(await store().consents.revoke('revoker'), 2);
    assert.deepEqual(await store().consents.get('revoker', 'r-b'), []);
    assert.deepEqual(await store().consents.get('revoker', 'r-c'), []);
    assert.deepEqual(await store().consents.get('bystander', 'r-a'), ['read'], 'other users keep theirs');
    assert.equal(await store().consents.revoke('revoker'), 0);
    await store().consents.grant('revoker', 'r-b', ['openid'], 5);
    assert.deepEqual(await store().consents.get('revoker', 'r-b'), ['openid'], 'a new grant starts from nothing');
  });
});
