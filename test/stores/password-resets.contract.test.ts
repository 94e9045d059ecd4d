import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { PasswordReset } from '../../src/domain/password-reset.js';
import { randomId } from '../../src/tokens/opaque.js';

const T = Date.parse('2026-03-01T10:00:00Z');

function reset(userId: string, overrides: Partial<PasswordReset> = {}): PasswordReset {
  return { tokenHash: `hash-${randomId()}`, userId, createdAt: T, expiresAt: T + 1_800_000, usedAt: null, ...overrides };
}

/** The password-resets port: a new link replaces the user's older ones; a link is used at most once, ever. */
describeEachDatabase('store: password resets', (database) => {
  let store: Store;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
  });
  after(async () => store?.close());

  it('finds a usable reset by its hash; an unknown hash finds nothing', async () => {
    const r = reset('user-a');
    await store.passwordResets.issue(r);
    assert.deepEqual(await store.passwordResets.findUsable(r.tokenHash, T), r);
    assert.equal(await store.passwordResets.findUsable('no-such-hash', T), undefined);
  });

  it("a new reset for the same user replaces the older ones; other users' resets stay", async () => {
    const old1 = reset('user-b');
    const other = reset('user-c');
    await store.passwordResets.issue(old1);
    await store.passwordResets.issue(other);
    const newer = reset('user-b');
    await store.passwordResets.issue(newer);
    assert.equal(await store.passwordResets.findUsable(old1.tokenHash, T), undefined);
    assert.equal(await store.passwordResets.consume(old1.tokenHash, T), undefined);
    assert.ok(await store.passwordResets.findUsable(newer.tokenHash, T));
    assert.ok(await store.passwordResets.findUsable(other.tokenHash, T));
  });

  it('consume succeeds once and returns the user; a used reset is neither usable nor consumable again', async () => {
    const r = reset('user-d');
    await store.passwordResets.issue(r);
    assert.equal(await store.passwordResets.consume(r.tokenHash, T + 1000), 'user-d');
    assert.equal(await store.passwordResets.consume(r.tokenHash, T + 2000), undefined);
    assert.equal(await store.passwordResets.findUsable(r.tokenHash, T + 2000), undefined);
  });

  it('an expired reset is neither usable nor consumable', async () => {
    const r = reset('user-e', { expiresAt: T + 60_000 });
    await store.passwordResets.issue(r);
    assert.equal(await store.passwordResets.findUsable(r.tokenHash, T + 60_000), undefined);
    assert.equal(await store.passwordResets.consume(r.tokenHash, T + 60_000), undefined);
    assert.ok(await store.passwordResets.findUsable(r.tokenHash, T + 59_999));
  });

  it('of 10 concurrent consumes, each in its own transaction, exactly one wins', async () => {
    // PostgreSQL runs them on up to 10 pooled connections at once; SQLite (one node, one connection) in turn
    const r = reset('user-f');
    await store.passwordResets.issue(r);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.withTransaction((tx) => tx.passwordResets.consume(r.tokenHash, T + 5000))),
    );
    assert.deepEqual(results.filter((userId) => userId !== undefined), ['user-f']);
  });

  it('pruning removes resets that expired, used or not, and keeps live ones', async () => {
    const expired = reset('user-g', { expiresAt: T - 1 });
    const usedExpired = reset('user-h', { expiresAt: T - 1, usedAt: T - 10 });
    const live = reset('user-i');
    for (const r of [expired, usedExpired, live]) await store.passwordResets.issue(r);
    assert.ok((await store.passwordResets.pruneExpired(T)) >= 2);
    assert.equal(await store.passwordResets.consume(live.tokenHash, T), 'user-i');
    assert.equal(await store.passwordResets.pruneExpired(T), 0);
  });
});
