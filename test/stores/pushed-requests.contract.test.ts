import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { race, useStores } from './support.js';
import type { PushedRequest } from '../../src/stores/pushed-requests.js';

const aRequest = (uriHash: string, fields: Partial<PushedRequest> = {}): PushedRequest => ({
  uriHash,
  clientId: 'app',
  params: { client_id: 'app', response_type: 'code', scope: 'openid read', state: 'ü "quoted"' },
  createdAt: 1_700_000_000_000,
  expiresAt: 1_700_000_060_000,
  ...fields,
});

/** PushedRequestsStore: single use (atomic, also under a race), bound to the app, short-lived. */
describeEachDatabase('store contract: pushed authorization requests', (database) => {
  const { store } = useStores(database);

  it('consume returns the request once, with its parameters', async () => {
    await store().pushedRequests.insert(aRequest('p1'));
    assert.deepEqual(await store().pushedRequests.consume('p1', 'app', 1_700_000_001_000), aRequest('p1'));
    assert.equal(await store().pushedRequests.consume('p1', 'app', 1_700_000_001_001), undefined);
  });

  it('another app, an expired request, an unknown hash, hostile text: undefined, and nothing consumed', async () => {
    await store().pushedRequests.insert(aRequest('p2'));
    assert.equal(await store().pushedRequests.consume('p2', 'other', 1_700_000_001_000), undefined);
    assert.equal(await store().pushedRequests.consume('p2', 'app', 1_700_000_060_000), undefined, 'expired at expiresAt');
    assert.equal(await store().pushedRequests.consume('nope', 'app', 1), undefined);
    assert.equal(await store().pushedRequests.consume('p2\u0000', 'app', 1), undefined);
    assert.equal(await store().pushedRequests.consume('p2', 'app\ud800', 1), undefined);
    assert.deepEqual(await store().pushedRequests.consume('p2', 'app', 1_700_000_059_999), aRequest('p2'));
  });

  it('20 concurrent uses: exactly one gets the request', async () => {
    await store().pushedRequests.insert(aRequest('p3'));
    const results = await race(20, () => store().pushedRequests.consume('p3', 'app', 1_700_000_001_000));
    assert.equal(results.filter((r) => r !== undefined).length, 1);
  });

  it('pruneExpired removes expired requests in bounded batches', async () => {
    for (const i of [1, 2, 3]) await store().pushedRequests.insert(aRequest(`old-${i}`, { expiresAt: 1_000 + i }));
    await store().pushedRequests.insert(aRequest('young', { expiresAt: 5_000 }));
    assert.equal(await store().pushedRequests.pruneExpired(2_000, 2), 2);
    assert.equal(await store().pushedRequests.pruneExpired(2_000, 2), 1);
    assert.equal(await store().pushedRequests.pruneExpired(2_000, 2), 0);
    assert.deepEqual(await store().pushedRequests.consume('young', 'app', 4_000), aRequest('young', { expiresAt: 5_000 }));
  });
});
