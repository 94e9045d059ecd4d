import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aReset, race, useStores } from './support.js';

const T = 1_700_000_000_000;

/** PasswordResetsStore: a new link replaces the user's older ones; a link is used at most once, ever. */
describeEachDatabase('store contract: password resets', (database) => {
  const { store, other } = useStores(database);

  it('finds a usable reset by its hash; an unknown hash finds nothing', async () => {
    const reset = aReset('r-a', 'user-a');
    await store().passwordResets.issue(reset);
    assert.deepEqual(await store().passwordResets.findUsable('r-a', T), reset);
    assert.equal(await store().passwordResets.findUsable('no-such-hash', T), undefined);
  });

  it("a new reset for the same user replaces the older ones; other users' resets stay", async () => {
    await store().passwordResets.issue(aReset('r-b-old', 'user-b'));
    await store().passwordResets.issue(aReset('r-c', 'user-c'));
    await store().passwordResets.issue(aReset('r-b-new', 'user-b'));
    assert.equal(await store().passwordResets.findUsable('r-b-old', T), undefined);
    assert.equal(await store().passwordResets.consume('r-b-old', T), undefined);
    assert.ok(await store().passwordResets.findUsable('r-b-new', T));
    assert.ok(await store().passwordResets.findUsable('r-c', T));
  });

  it('consume succeeds once and returns the user; a used reset is neither usable nor consumable again', async () => {
    await store().passwordResets.issue(aReset('r-d', 'user-d'));
    assert.equal(await store().passwordResets.consume('r-d', T + 1000), 'user-d');
    assert.equal(await store().passwordResets.consume('r-d', T + 2000), undefined);
    assert.equal(await store().passwordResets.findUsable('r-d', T + 2000), undefined);
  });

  it('an expired reset is neither usable nor consumable', async () => {
    await store().passwordResets.issue(aReset('r-e', 'user-e', { expiresAt: T + 60_000 }));
    assert.equal(await store().passwordResets.findUsable('r-e', T + 60_000), undefined);
    assert.equal(await store().passwordResets.consume('r-e', T + 60_000), undefined);
    assert.ok(await store().passwordResets.findUsable('r-e', T + 59_999));
  });

  it('of 10 concurrent consumes, each in its own transaction, exactly one wins', async () => {
    await store().passwordResets.issue(aReset('r-f', 'user-f'));
    // PostgreSQL: two stores (nodes) with pooled connections; SQLite is one node with one connection
    // (two stores in one process would block each other's transactions in its synchronous driver)
    const nodes = database().kind === 'postgres' ? [store(), other()] : [store()];
    const results = await race(10, (i) => nodes[i % nodes.length]!.withTransaction((tx) => tx.passwordResets.consume('r-f', T + 5000)));
    assert.deepEqual(results.filter((userId) => userId !== undefined), ['user-f']);
  });

  it('pruning removes resets that expired, used or not, and keeps live ones', async () => {
    await store().passwordResets.issue(aReset('r-g', 'user-g', { expiresAt: T - 1 }));
    await store().passwordResets.issue(aReset('r-h', 'user-h', { expiresAt: T - 1, usedAt: T - 10 }));
    await store().passwordResets.issue(aReset('r-i', 'user-i'));
    assert.ok((await store().passwordResets.pruneExpired(T)) >= 2);
    assert.equal(await store().passwordResets.consume('r-i', T), 'user-i');
    assert.equal(await store().passwordResets.pruneExpired(T), 0);
  });
});
