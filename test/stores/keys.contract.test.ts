import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aKey, race, useStores, wins } from './support.js';

const T = 1_700_000_000_000;

/**
 * KeysStore: the signing keys every node shares, oldest first. A key is added as the successor of
 * another (or as an algorithm's first key), atomically retiring the keys it replaces; each key gets one
 * successor, which is how nodes that rotate at once elect one new key.
 */
describeEachDatabase('store contract: keys', (database) => {
  const { store, other } = useStores(database);

  it('keys round-trip with every field and list oldest first (ties by kid)', async () => {
    const newest = aKey('k-new', { createdAt: T + 300_000, signFrom: T + 1_210_000 });
    const encrypted = aKey('k-enc', {
      alg: 'ES256', encrypted: true, privateKey: 'eyJhbGciOiJQQkVTMiJ9.a.b.c.d',
      createdAt: T + 100_000, retiredAt: T + 200_000, publishUntil: T + 400_000, supersedes: 'first:ES256',
    });
    const tieB = aKey('k-tie-b', { createdAt: T + 200_000 });
    const tieA = aKey('k-tie-a', { createdAt: T + 200_000 });
    for (const key of [newest, encrypted, tieB, tieA]) assert.equal(await store().keys.addSuccessor(key), true);
    assert.deepEqual(await store().keys.list(), [encrypted, tieA, tieB, newest]);
    const [listed] = await store().keys.list();
    for (const time of [listed!.createdAt, listed!.publishFrom, listed!.signFrom, listed!.publishUntil]) assert.equal(typeof time, 'number');
    assert.equal(await store().keys.addSuccessor(aKey('k-new', { alg: 'PS256', supersedes: 'elsewhere' })), false, 'a kid names one key');
    assert.deepEqual((await store().keys.list()).at(-1), newest);
  });

  it('each key gets one successor: a second successor, or a second first key, changes nothing', async () => {
    assert.equal(await store().keys.addSuccessor(aKey('s1', { alg: 'EdDSA', supersedes: 'first:EdDSA' })), true);
    assert.equal(await store().keys.addSuccessor(aKey('s1-again', { alg: 'EdDSA', supersedes: 'first:EdDSA' })), false);
    const retire = { at: T + 1000, publishUntil: T + 5000 };
    assert.equal(await store().keys.addSuccessor(aKey('s2', { alg: 'EdDSA', signFrom: T + 1000, supersedes: 's1' }), retire), true);
    assert.equal(await other().keys.addSuccessor(aKey('s2-rival', { alg: 'EdDSA', signFrom: T + 1000, supersedes: 's1' }), { at: T + 9, publishUntil: T + 9 }), false);
    const keys = (await store().keys.list()).filter((key) => key.alg === 'EdDSA');
    assert.deepEqual(keys.map((key) => key.kid), ['s1', 's2']);
    assert.deepEqual([keys[0]!.retiredAt, keys[0]!.publishUntil], [T + 1000, T + 5000], 'the loser retired nothing');
  });

  it('successors of one key added at once (from two stores on PostgreSQL): exactly one is added', async () => {
    // adding a successor is a short transaction; on SQLite a second store in this same thread could only
    // wait on the first (a real second node is another process), so there the race runs on one store
    const nodes = database().kind === 'postgres' ? [store(), other()] : [store()];
    const results = await race(10, (i) =>
      nodes[i % nodes.length]!.keys.addSuccessor(aKey(`s3-${i}`, { alg: 'EdDSA', signFrom: T + 2000, supersedes: 's2' }), { at: T + 2000, publishUntil: T + 9000 }),
    );
    assert.equal(wins(results), 1, JSON.stringify(results));
    assert.equal((await store().keys.list()).filter((key) => key.supersedes === 's2').length, 1);
  });

  it('a successor retires the keys of its algorithm that would still sign when it starts, and no others', async () => {
    const s3 = (await store().keys.list()).find((key) => key.supersedes === 's2')!;
    const untouched = (await store().keys.list()).filter((key) => key.alg !== 'EdDSA');
    // an emergency key signing at T+1500: s1 (stopped at T+1000) keeps its times; s2 (would sign until T+2000) and s3 are retired at T+1500
    assert.equal(await store().keys.addSuccessor(aKey('s4', { alg: 'EdDSA', signFrom: T + 1500, supersedes: s3.kid }), { at: T + 1500, publishUntil: T + 7000 }), true);
    const after = new Map((await store().keys.list()).map((key) => [key.kid, key]));
    assert.deepEqual([after.get('s1')!.retiredAt, after.get('s1')!.publishUntil], [T + 1000, T + 5000]);
    assert.deepEqual([after.get('s2')!.retiredAt, after.get('s2')!.publishUntil], [T + 1500, T + 7000]);
    assert.deepEqual([after.get(s3.kid)!.retiredAt, after.get(s3.kid)!.publishUntil], [T + 1500, T + 7000]);
    assert.equal(after.get('s4')!.retiredAt, null);
    for (const key of untouched) assert.deepEqual(after.get(key.kid), key, `${key.kid} (${key.alg}) is untouched`);
  });

  it('a private key is encrypted once: other attempts, also at once from two stores, change nothing', async () => {
    const results = await race(6, (i) => (i % 2 ? other() : store()).keys.encryptPrivateKey('k-new', `envelope-${i}`));
    assert.equal(wins(results), 1);
    const key = (await store().keys.list()).find((k) => k.kid === 'k-new')!;
    assert.equal(key.encrypted, true);
    assert.match(key.privateKey, /^envelope-\d$/);
    assert.equal(await store().keys.encryptPrivateKey('k-new', 'envelope-x'), false);
    assert.equal(await store().keys.encryptPrivateKey('k-enc', 'envelope-x'), false, 'already encrypted');
    assert.equal(await store().keys.encryptPrivateKey('unknown', 'envelope-x'), false);
  });
});
