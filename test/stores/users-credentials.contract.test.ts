import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aFamily, aSession, aToken, aUser, useStores } from './support.js';

const T = 1_700_000_100_000;

/**
 * users.update and users.setPasswordHash with endAccess: one transaction that writes the user, ends the
 * user's sessions (but the kept one) and revokes their refresh families.
 */
describeEachDatabase('store contract: password changes and the kept session', (database) => {
  const { store } = useStores(database);

  const endedAt = async (idHash: string) => (await store().sessions.get(idHash))!.endedAt;
  const revokedAt = async (tokenHash: string) => (await store().refresh.find(tokenHash))!.family.revokedAt;

  async function signedIn(userId: string, names: string[]): Promise<void> {
    await store().users.insert(aUser(userId, `login-${userId}`));
    for (const name of names) {
      await store().sessions.insert(aSession(`${userId}-${name}`, { userId }));
      await store().refresh.insertFamily(aFamily(`${userId}-f-${name}`, { userId, sid: `sid-${userId}-${name}` }), aToken(`${userId}-t-${name}`, `${userId}-f-${name}`));
    }
  }

  it('update with keepSession keeps exactly that session; every other session ends and every refresh family is revoked', async () => {
    await signedIn('u-keep', ['current', 'other']);
    await store().sessions.insert(aSession('stranger', { userId: 'someone-else' }));
    const user = (await store().users.getById('u-keep'))!;
    assert.equal(await store().users.update({ ...user, passwordHash: 'new' }, { endAccess: { at: T, reason: 'password_changed', keepSession: 'u-keep-current' } }), true);
    assert.equal((await store().users.getById('u-keep'))!.passwordHash, 'new');
    assert.equal(await endedAt('u-keep-current'), null);
    assert.equal(await endedAt('u-keep-other'), T);
    assert.equal(await endedAt('stranger'), null, "another user's session is untouched");
    assert.equal(await revokedAt('u-keep-t-current'), T, "the kept session's refresh families are revoked too");
    assert.equal(await revokedAt('u-keep-t-other'), T);
  });

  it('setPasswordHash changes only the hash: a field changed meanwhile is kept; updatedAt never moves back', async () => {
    await signedIn('u-hash', []);
    const stale = (await store().users.getById('u-hash'))!;
    await store().users.update({ ...stale, enabled: false, updatedAt: T + 50 });
    assert.equal(await store().users.setPasswordHash('u-hash', 'newer', T + 40), true);
    assert.deepEqual(await store().users.getById('u-hash'), { ...stale, enabled: false, passwordHash: 'newer', updatedAt: T + 50 });
    assert.equal(await store().users.setPasswordHash('u-hash', 'newest', T + 60), true);
    assert.equal((await store().users.getById('u-hash'))!.updatedAt, T + 60);
    assert.equal(await store().users.setPasswordHash('no-such-user', 'x', T), false);
  });

  it('setPasswordHash with endAccess keeps the one session and ends the rest, in the same transaction as the hash', async () => {
    await signedIn('u-both', ['kept', 'ended']);
    const endAccess = { at: T + 70, reason: 'password_changed' as const, keepSession: 'u-both-kept' };
    assert.equal(await store().users.setPasswordHash('u-both', 'h3', T + 70, { endAccess }), true);
    assert.equal(await endedAt('u-both-kept'), null);
    assert.equal(await endedAt('u-both-ended'), T + 70);
    assert.equal(await revokedAt('u-both-t-ended'), T + 70);
    // inside a transaction that fails later, nothing of it stays
    await assert.rejects(
      store().withTransaction(async (tx) => {
        await tx.users.setPasswordHash('u-both', 'rolled-back', T + 80, { endAccess: { at: T + 80, reason: 'password_reset' } });
        throw new Error('later step failed');
      }),
      /later step failed/,
    );
    assert.equal((await store().users.getById('u-both'))!.passwordHash, 'h3');
    assert.equal(await endedAt('u-both-kept'), null);
  });

  it('without keepSession every session of the user ends', async () => {
    await signedIn('u-all', ['a', 'b']);
    assert.equal(await store().users.setPasswordHash('u-all', 'h4', T + 90, { endAccess: { at: T + 90, reason: 'password_reset' } }), true);
    assert.equal(await endedAt('u-all-a'), T + 90);
    assert.equal(await endedAt('u-all-b'), T + 90);
  });
});
