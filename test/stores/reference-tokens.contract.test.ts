import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aUser, race, useStores, wins } from './support.js';
import type { ReferenceToken } from '../../src/domain/reference-token.js';

const T = 1_700_000_000_000;
const aReference = (id: string, fields: Partial<ReferenceToken> = {}): ReferenceToken => ({
  id,
  tokenHash: `hash-${id}`,
  userId: 'ref-u1',
  clientId: 'app',
  scope: ['read'],
  description: null,
  createdBy: 'admin',
  createdAt: T,
  expiresAt: T + 86_400_000,
  revokedAt: null,
  ...fields,
});

/** ReferenceTokensStore: hashes only; revocation is single, writes its feed entry, and can be limited to the owner. */
describeEachDatabase('store contract: reference tokens', (database) => {
  const { store } = useStores(database);

  it('insert, find by hash, get, list by user and app (newest first)', async () => {
    await store().users.insert(aUser('ref-u1', 'ref-one'));
    await store().users.insert(aUser('ref-u2', 'ref-two'));
    await store().referenceTokens.insert(aReference('r1', { description: 'first' }));
    await store().referenceTokens.insert(aReference('r2', { createdAt: T + 1, clientId: 'other', scope: ['read', 'update'], createdBy: 'user' }));
    await store().referenceTokens.insert(aReference('r3', { userId: 'ref-u2', createdAt: T + 2 }));
    assert.deepEqual(await store().referenceTokens.findByHash('hash-r1'), aReference('r1', { description: 'first' }));
    assert.deepEqual((await store().referenceTokens.get('r2'))?.scope, ['read', 'update']);
    assert.equal(await store().referenceTokens.findByHash('nul\u0000'), undefined);
    assert.deepEqual((await store().referenceTokens.list({ userId: 'ref-u1' })).map((t) => t.id), ['r2', 'r1']);
    assert.deepEqual((await store().referenceTokens.list({ clientId: 'app' })).map((t) => t.id), ['r3', 'r1']);
    assert.deepEqual((await store().referenceTokens.list()).map((t) => t.id), ['r3', 'r2', 'r1']);
  });

  it('revoke: once (also when raced), only the owner when limited, with one feed entry', async () => {
    const before = await store().revocationEvents.latest();
    assert.equal(await store().referenceTokens.revoke('r3', T + 5, { userId: 'ref-u1' }), false, "not ref-u1's");
    const results = await race(8, (i) => store().referenceTokens.revoke('r1', T + 10 + i));
    assert.equal(wins(results), 1);
    assert.notEqual((await store().referenceTokens.get('r1'))?.revokedAt, null);
    const events = await store().revocationEvents.since(before, T, 10);
    assert.deepEqual(events.map((e) => [e.type, e.value, e.until]), [['jti', 'r1', T + 86_400_000]]);
  });

  it("a user's access ending revokes their live reference tokens, each into the feed", async () => {
    const before = await store().revocationEvents.latest();
    await store().users.update(aUser('ref-u2', 'ref-two', { enabled: false }), { endAccess: { at: T + 100, reason: 'user_disabled' } });
    assert.equal((await store().referenceTokens.get('r3'))?.revokedAt, T + 100);
    assert.equal((await store().referenceTokens.get('r2'))?.revokedAt, null, "another user's stays");
    const events = await store().revocationEvents.since(before, T, 10);
    assert.deepEqual(events.map((e) => [e.type, e.value]), [['jti', 'r3'], ['sub', 'ref-u2']]);
  });
});
