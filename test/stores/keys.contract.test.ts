import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aKey, useStores } from './support.js';

/** KeysStore: the signing keys every node shares, oldest first; rotation retires the others. */
describeEachDatabase('store contract: keys', (database) => {
  const { store } = useStores(database);

  it('keys round-trip with every field and list oldest first (ties by kid)', async () => {
    const newest = aKey('k-new', { createdAt: 1_700_000_300_000 });
    const encrypted = aKey('k-enc', {
      alg: 'ES256', encrypted: true, privateKey: '{"protected":"eyJhbGciOiJkaXIifQ","ciphertext":"x"}',
      createdAt: 1_700_000_100_000, retiredAt: 1_700_000_200_000, publishUntil: 1_700_000_400_000,
    });
    const tieB = aKey('k-tie-b', { createdAt: 1_700_000_200_000 });
    const tieA = aKey('k-tie-a', { createdAt: 1_700_000_200_000 });
    for (const key of [newest, encrypted, tieB, tieA]) await store().keys.insert(key);
    assert.deepEqual(await store().keys.list(), [encrypted, tieA, tieB, newest]);
    const listed = await store().keys.list();
    assert.equal(typeof listed[0]!.publishUntil, 'number');
    assert.equal(listed[0]!.encrypted, true);
    assert.equal(listed[1]!.encrypted, false);
    await assert.rejects(store().keys.insert(aKey('k-new', { alg: 'PS256' })), 'a kid names one key');
    assert.deepEqual((await store().keys.list()).at(-1), newest);
  });

  it('retireAllExcept retires every other current key once, keeping the times of keys retired before', async () => {
    const before = await store().keys.list();
    const current = aKey('k-current', { createdAt: 1_700_000_500_000 });
    await store().keys.insert(current);
    await store().keys.retireAllExcept('k-current', 1_700_000_600_000, 1_700_000_700_000);
    const retired = (kid: string) => ({ ...before.find((key) => key.kid === kid)!, retiredAt: 1_700_000_600_000, publishUntil: 1_700_000_700_000 });
    const afterFirst = [before[0]!, retired('k-tie-a'), retired('k-tie-b'), retired('k-new'), current];
    assert.deepEqual(await store().keys.list(), afterFirst, 'k-enc, retired before, keeps its times');

    await store().keys.retireAllExcept('k-current', 1_700_000_800_000, 1_700_000_900_000);
    assert.deepEqual(await store().keys.list(), afterFirst, 'nothing else is current: nothing changes');

    const next = aKey('k-next', { createdAt: 1_700_001_000_000 });
    await store().keys.insert(next);
    await store().keys.retireAllExcept('k-next', 1_700_001_100_000, 1_700_001_200_000);
    const listed = await store().keys.list();
    assert.deepEqual(listed.at(-2), { ...current, retiredAt: 1_700_001_100_000, publishUntil: 1_700_001_200_000 });
    assert.deepEqual(listed.at(-1), next);
    assert.deepEqual(listed.slice(0, 4), afterFirst.slice(0, 4));
  });
});
