import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { AttemptCounters } from '../../src/domain/throttle.js';

const WINDOW = 60_000;
const chain = (account: string, source: string, limits = [3, 5, 100]): AttemptCounters => ({
  account,
  chain: [
    { key: `as:${account}|${source}`, limit: limits[0]!, kind: 'account_source' },
    { key: `s:${source}`, limit: limits[1]!, kind: 'source' },
    { key: `a:${account}`, limit: limits[2]!, kind: 'account' },
  ],
});

/** The throttle counters port: atomic chained reservations, windows, release, unlock, pruning. */
describeEachDatabase('store contract: throttle counters', (database) => {
  let store: Store;
  let other: Store | undefined;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
    if (database().kind === 'postgres') other = await openStore(database().url);
  });
  after(async () => {
    await store?.close();
    await other?.close();
  });

  const counts = async (keys: string[]) => Object.fromEntries((await store.throttles.get(keys)).map((c) => [c.key, c.count]));

  it('a reservation counts every link of the chain and returns the new counts and windows', async () => {
    const result = await store.throttles.reserve(chain('ann', 'src1'), 1_000, WINDOW);
    assert.deepEqual(result, [
      { key: 'as:ann|src1', count: 1, windowStartedAt: 1_000 },
      { key: 's:src1', count: 1, windowStartedAt: 1_000 },
      { key: 'a:ann', count: 1, windowStartedAt: 1_000 },
    ]);
    const second = await store.throttles.reserve(chain('ann', 'src1'), 2_000, WINDOW);
    assert.deepEqual(second.map((c) => [c.count, c.windowStartedAt]), [[2, 1_000], [2, 1_000], [2, 1_000]]);
  });

  it('a link over its limit stops the chain: the links after it are not counted', async () => {
    for (let i = 0; i < 3; i++) await store.throttles.reserve(chain('bea', 'src2'), 1_000, WINDOW);
    const over = await store.throttles.reserve(chain('bea', 'src2'), 1_000, WINDOW);
    assert.deepEqual(over.map((c) => c.count), [4]);
    assert.deepEqual(await counts(['as:bea|src2', 's:src2', 'a:bea']), { 'as:bea|src2': 4, 's:src2': 3, 'a:bea': 3 });
  });

  it('a counter whose window ran out starts again at 1 with a new window', async () => {
    await store.throttles.reserve(chain('cid', 'src3'), 1_000, WINDOW);
    const later = await store.throttles.reserve(chain('cid', 'src3'), 1_000 + WINDOW, WINDOW);
    assert.deepEqual(later[0], { key: 'as:cid|src3', count: 1, windowStartedAt: 1_000 + WINDOW });
  });

  it('simultaneous reservations each get their own count (on PostgreSQL through two stores, as two nodes); nothing past a limit leaks on', async () => {
    // SQLite is one node: a second connection in the same thread could only wait on itself
    const stores = database().kind === 'postgres' ? [store, other] : [store];
    const runs = Array.from({ length: 40 }, (_, i) => stores[i % stores.length]!.throttles.reserve(chain('dee', 'src4', [10, 1000, 1000]), 5_000, WINDOW));
    const results = await Promise.all(runs);
    const firstCounts = results.map((r) => r[0]!.count).sort((a, b) => a - b);
    assert.deepEqual(firstCounts, Array.from({ length: 40 }, (_, i) => i + 1), 'every attempt has its own count');
    assert.equal(results.filter((r) => r.length === 3).length, 10, 'exactly the attempts within the first limit went on');
    assert.deepEqual(await counts(['s:src4', 'a:dee']), { 's:src4': 10, 'a:dee': 10 });
  });

  it('release resets some counters and refunds one on others, never below zero', async () => {
    await store.throttles.reserve(chain('eve', 'src5'), 1_000, WINDOW);
    await store.throttles.reserve(chain('eve', 'src5'), 1_000, WINDOW);
    await store.throttles.release({ reset: ['as:eve|src5'], refund: ['s:src5', 'a:eve'] }, 2_000);
    assert.deepEqual(await counts(['as:eve|src5', 's:src5', 'a:eve']), { 's:src5': 1, 'a:eve': 1 });
    await store.throttles.release({ reset: [], refund: ['s:src5', 's:src5', 'a:eve'] }, 2_000);
    await store.throttles.release({ reset: [], refund: ['s:src5'] }, 2_000);
    assert.deepEqual(await counts(['s:src5', 'a:eve']), { 's:src5': 0, 'a:eve': 0 });
    await store.throttles.release({ reset: ['a:eve'], refund: [] }, 2_000);
    assert.deepEqual(await counts(['a:eve']), {});
  });

  it("clearAccount removes every counter of that account, not the source's or other accounts'", async () => {
    await store.throttles.reserve(chain('fay', 'src6'), 1_000, WINDOW);
    await store.throttles.reserve(chain('fay', 'src7'), 1_000, WINDOW);
    await store.throttles.reserve(chain('gus', 'src6'), 1_000, WINDOW);
    assert.equal(await store.throttles.clearAccount('fay'), 3);
    assert.deepEqual(await counts(['as:fay|src6', 'as:fay|src7', 'a:fay', 's:src6', 'a:gus']), { 's:src6': 2, 'a:gus': 1 });
  });

  it('pruning removes counters untouched since a time, in bounded batches', async () => {
    for (let i = 0; i < 5; i++) await store.throttles.reserve({ account: 'old', chain: [{ key: `d:old-${i}`, limit: 9, kind: 'device' }] }, 10, WINDOW);
    assert.equal(await store.throttles.pruneStale(100, 3), 3);
    assert.equal(await store.throttles.pruneStale(100, 3), 2);
    assert.equal(await store.throttles.pruneStale(100, 3), 0);
    assert.deepEqual(await counts(['a:ann']), { 'a:ann': 2 }, 'recent counters stay');
  });
});
