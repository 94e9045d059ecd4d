import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { race, useStores } from './support.js';

/** ServerSecretsStore: the first candidate stored under a name is the secret every caller on every node gets. */
describeEachDatabase('store contract: server secrets', (database) => {
  const { store, other } = useStores(database);

  it('the first caller stores its candidate; every later caller gets that one, per name', async () => {
    assert.equal(await store().serverSecrets.getOrCreate('device-cookie-key', 'first-candidate', 1_000), 'first-candidate');
    assert.equal(await store().serverSecrets.getOrCreate('device-cookie-key', 'second-candidate', 2_000), 'first-candidate');
    assert.equal(await other().serverSecrets.getOrCreate('device-cookie-key', 'third-candidate', 3_000), 'first-candidate');
    assert.equal(await store().serverSecrets.getOrCreate('another-key', 'other-value', 1_000), 'other-value');
    assert.equal(await store().serverSecrets.getOrCreate('device-cookie-key', 'fourth', 4_000), 'first-candidate');
  });

  it('20 simultaneous first calls from two stores (two nodes) all get the same secret, one of the candidates', async () => {
    const candidates = Array.from({ length: 20 }, (_, i) => `candidate-${i}-${'x'.repeat(43)}`);
    const results = await race(20, (i) => (i % 2 === 0 ? store() : other()).serverSecrets.getOrCreate('raced-key', candidates[i]!, 5_000 + i));
    assert.equal(new Set(results).size, 1, 'one secret for everybody');
    assert.ok(candidates.includes(results[0]!), 'the secret is a candidate that was offered');
    assert.equal(await store().serverSecrets.getOrCreate('raced-key', 'late', 9_000), results[0]);
  });
});
