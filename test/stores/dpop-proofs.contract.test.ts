import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { race, useStores } from './support.js';

/** DpopProofsStore: a proof's jti is accepted once, also under a race; expired entries are pruned. */
describeEachDatabase('store contract: DPoP proof jtis', (database) => {
  const { store } = useStores(database);

  it('claim is true once per proof, then false', async () => {
    assert.equal(await store().dpopProofs.claim('jti-1', 1_700_000_120_000), true);
    assert.equal(await store().dpopProofs.claim('jti-1', 1_700_000_120_000), false);
    assert.equal(await store().dpopProofs.claim('jti-2', 1_700_000_120_000), true);
  });

  it('20 concurrent claims of one proof: exactly one is true', async () => {
    const results = await race(20, () => store().dpopProofs.claim('jti-race', 1_700_000_120_000));
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('pruneExpired removes expired entries in bounded batches', async () => {
    for (const i of [1, 2, 3]) await store().dpopProofs.claim(`old-${i}`, 1_000 + i);
    await store().dpopProofs.claim('young', 5_000);
    assert.equal(await store().dpopProofs.pruneExpired(2_000, 2), 2);
    assert.equal(await store().dpopProofs.pruneExpired(2_000, 2), 1);
    assert.equal(await store().dpopProofs.pruneExpired(2_000, 2), 0);
    assert.equal(await store().dpopProofs.claim('young', 5_000), false, 'the unexpired entry is kept');
  });
});
