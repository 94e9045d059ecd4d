import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('never runs more tasks at once than its slots, and runs them all in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    let peak = 0;
    const order: number[] = [];
    const task = (n: number) =>
      limit.run(async () => {
        peak = Math.max(peak, limit.active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(n);
        return n;
      });
    const results = await Promise.all([1, 2, 3, 4, 5].map(task));
    assert.deepEqual(results, [1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
    assert.equal(limit.active, 0);
  });

  it('frees the slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await assert.rejects(limit.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limit.run(async () => 'next'), 'next');
    assert.equal(limit.active, 0);
  });
});
