import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { race, useStores, wins } from './support.js';

/** ClientAssertionsStore: a client assertion's jti is used once per app, until the assertion expires. */
describeEachDatabase('store contract: client assertion jtis', (database) => {
  const { store, other } = useStores(database);
  const NOW = 1_700_000_000_000;
  const EXP = NOW + 60_000;

  it('the first use of a jti wins; the same jti again loses; another app or jti is separate', async () => {
    assert.equal(await store().clientAssertions.useJti('app/a', 'jti-1', EXP, NOW), true);
    assert.equal(await store().clientAssertions.useJti('app/a', 'jti-1', EXP, NOW + 1), false);
    assert.equal(await other().clientAssertions.useJti('app/a', 'jti-1', EXP, NOW + 2), false, 'a second node sees it too');
    assert.equal(await store().clientAssertions.useJti('app/b', 'jti-1', EXP, NOW), true, 'jtis are per app');
    assert.equal(await store().clientAssertions.useJti('app/a', 'JTI-1', EXP, NOW), true, 'compared exactly');
  });

  it('concurrent uses of one jti on two stores sharing the database: exactly one wins', async () => {
    const results = await race(16, (i) => (i % 2 === 0 ? store() : other()).clientAssertions.useJti('app/race', 'raced', EXP, NOW));
    assert.equal(wins(results), 1);
  });

  it('hostile text (NUL, lone surrogate, very long) is stored like any other jti', async () => {
    for (const jti of ['nul\u0000byte', 'lone\ud800', 'x'.repeat(5000)]) {
      assert.equal(await store().clientAssertions.useJti('app/hostile\u0000', jti, EXP, NOW), true, JSON.stringify(jti.slice(0, 20)));
      assert.equal(await store().clientAssertions.useJti('app/hostile\u0000', jti, EXP, NOW), false);
    }
  });

  it('an entry whose assertion expired no longer blocks (it is taken over once), and is pruned in batches', async () => {
    assert.equal(await store().clientAssertions.useJti('app/exp', 'old', NOW + 10, NOW), true);
    assert.equal(await store().clientAssertions.useJti('app/exp', 'old', NOW + 20_000, NOW + 10), true, 'expired at the time: free again');
    assert.equal(await store().clientAssertions.useJti('app/exp', 'old', NOW + 20_000, NOW + 11), false, 'and used once more');

    for (const i of [1, 2, 3]) await store().clientAssertions.useJti('app/prune', `p${i}`, 5_000 + i, 1_000);
    await store().clientAssertions.useJti('app/prune', 'edge', 10_000, 1_000);
    assert.equal(await store().clientAssertions.pruneExpired(10_000, 2), 2);
    assert.equal(await store().clientAssertions.pruneExpired(10_000, 2), 1);
    assert.equal(await store().clientAssertions.pruneExpired(10_000, 2), 0);
    assert.equal(await store().clientAssertions.useJti('app/prune', 'edge', 10_000, 9_999), false, 'expiring at the time: kept');
    assert.equal(await store().clientAssertions.useJti('app/prune', 'p1', 20_000, 9_999), true, 'pruned: usable again (its exp had passed)');
  });
});
