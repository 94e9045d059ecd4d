import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from '../../src/domain/concurrency-limit.js';

/** A task that runs until released, recording how many ran at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened };
}

describe('ConcurrencyLimit', () => {
  it('runs at most `slots` tasks at once; resize() lowers and raises the limit (a cluster worker takes its share of the cores)', async () => {
    const limit = new ConcurrencyLimit(4);
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 6 }, gate);
    const task = (i: number) => limit.run(async () => {
      running += 1;
      most = Math.max(most, running);
      await gates[i]!.wait();
      running -= 1;
    });
    limit.resize(1);
    const done = gates.map((_g, i) => task(i));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(limit.active, 1);
    gates[0]!.open();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(most, 1, 'one at a time after resize(1)');
    limit.resize(3); // waiting tasks start at once
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(running, 3);
    for (const g of gates) g.open();
    await Promise.all(done);
    assert.equal(limit.active, 0);
    assert.throws(() => limit.resize(0), /at least one slot/);
  });
});
