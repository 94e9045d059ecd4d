import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import type { Store } from '../../src/stores/store.js';
import { aFamily, aSession, aToken, aUser, useStores } from './support.js';

/** UsersStore: logins unique without regard to case; ending a user's access is atomic and touches only them. */
describeEachDatabase('store contract: users', (database) => {
  const { store } = useStores(database);

  /** A live session, an ended one, a live family and a revoked one of `userId`. */
  async function accessOf(s: Store, userId: string): Promise<void> {
    await s.sessions.insert(aSession(`${userId}-live1`, { userId }));
    await s.sessions.insert(aSession(`${userId}-live2`, { userId }));
    await s.sessions.insert(aSession(`${userId}-ended`, { userId, endedAt: 1_700_000_000_050 }));
    await s.refresh.insertFamily(aFamily(`${userId}-f1`, { userId }), aToken(`${userId}-t1`, `${userId}-f1`));
    await s.refresh.insertFamily(aFamily(`${userId}-f2`, { userId }), aToken(`${userId}-t2`, `${userId}-f2`));
    await s.refresh.insertFamily(
      aFamily(`${userId}-f3`, { userId, revokedAt: 1_700_000_000_060, revokedReason: 'reuse' }),
      aToken(`${userId}-t3`, `${userId}-f3`),
    );
  }

  const endedAt = async (idHash: string) => (await store().sessions.get(idHash))!.endedAt;
  const revocation = async (tokenHash: string) => {
    const { family } = (await store().refresh.find(tokenHash))!;
    return [family.revokedAt, family.revokedReason];
  };

  it('a user round-trips with every field (booleans, nulls, numeric timestamps); list is ordered by login', async () => {
    const full = aUser('id-b', 'Bea');
    const bare = aUser('id-a', 'anna', {
      email: null, emailVerified: false, locale: null, kind: 'community', isAdmin: true, enabled: false,
      createdAt: 1_700_000_000_013, updatedAt: 1_700_000_000_014,
    });
    await store().users.insert(full);
    await store().users.insert(bare);
    assert.deepEqual(await store().users.getById('id-b'), full);
    assert.deepEqual(await store().users.getById('id-a'), bare);
    assert.equal(typeof (await store().users.getById('id-a'))!.updatedAt, 'number');
    assert.deepEqual(await store().users.list(), [bare, full], 'anna before Bea: by login without regard to case');
    assert.equal(await store().users.getById('id-c'), undefined);
    assert.equal(await store().users.getByLogin('carla'), undefined);
  });

  it('logins are found and unique without regard to case (and Unicode normalisation)', async () => {
    const alice = aUser('id-alice', 'Alice.Smith');
    const zoe = aUser('id-zoe', 'Zo\u00e9-\u00c4rni'); // precomposed é and Ä
    await store().users.insert(alice);
    await store().users.insert(zoe);
    assert.deepEqual(await store().users.getByLogin('alice.smith'), alice);
    assert.deepEqual(await store().users.getByLogin('ALICE.SMITH'), alice, 'the login keeps the case it was given');
    assert.deepEqual(await store().users.getByLogin('ZOE\u0301-A\u0308RNI'), zoe, 'decomposed and upper case');
    assert.equal(await store().users.getByLogin('alice.smit'), undefined);
    await assert.rejects(store().users.insert(aUser('id-alice2', 'ALICE.smith')), 'the same login in another case');
    assert.equal(await store().users.getById('id-alice2'), undefined);
  });

  it('update replaces every field but createdAt; a new login is found under the new name only', async () => {
    await store().users.insert(aUser('id-upd', 'before'));
    const changed = aUser('id-upd', 'After', {
      displayName: 'Changed', email: null, emailVerified: false, locale: 'fr', kind: 'community', isAdmin: true,
      enabled: false, passwordHash: '$argon2id$new', createdAt: 1, updatedAt: 1_700_000_009_000,
    });
    assert.equal(await store().users.update(changed), true);
    const expected = { ...changed, createdAt: aUser('id-upd', 'before').createdAt };
    assert.deepEqual(await store().users.getById('id-upd'), expected);
    assert.deepEqual(await store().users.getByLogin('after'), expected);
    assert.equal(await store().users.getByLogin('before'), undefined);
  });

  it('update with endAccess ends only that user\'s live sessions and revokes only their live families', async () => {
    await store().users.insert(aUser('id-end', 'ender'));
    await store().users.insert(aUser('id-bystander', 'bystander'));
    await accessOf(store(), 'id-end');
    await accessOf(store(), 'id-bystander');
    const disabled = aUser('id-end', 'ender', { enabled: false, updatedAt: 1_700_000_001_000 });

    assert.equal(await store().users.update(disabled, { endAccess: { at: 1_700_000_001_000, reason: 'user_disabled' } }), true);

    assert.deepEqual(await store().users.getById('id-end'), disabled);
    assert.equal(await endedAt('id-end-live1'), 1_700_000_001_000);
    assert.equal(await endedAt('id-end-live2'), 1_700_000_001_000);
    assert.equal(await endedAt('id-end-ended'), 1_700_000_000_050, 'an ended session keeps its end');
    assert.deepEqual(await revocation('id-end-t1'), [1_700_000_001_000, 'user_disabled']);
    assert.deepEqual(await revocation('id-end-t2'), [1_700_000_001_000, 'user_disabled']);
    assert.deepEqual(await revocation('id-end-t3'), [1_700_000_000_060, 'reuse'], 'a revoked family keeps its reason');
    assert.equal(await endedAt('id-bystander-live1'), null);
    assert.equal(await endedAt('id-bystander-live2'), null);
    assert.deepEqual(await revocation('id-bystander-t1'), [null, null]);
    assert.deepEqual(await revocation('id-bystander-t2'), [null, null]);
  });

  it('update of an unknown user is false and changes nothing, also with endAccess', async () => {
    await accessOf(store(), 'id-ghost'); // sessions and families naming a user that does not exist
    const ghost = aUser('id-ghost', 'ghost');
    assert.equal(await store().users.update(ghost), false);
    assert.equal(await store().users.update(ghost, { endAccess: { at: 1_700_000_002_000, reason: 'password_changed' } }), false);
    assert.equal(await store().users.getById('id-ghost'), undefined);
    assert.equal(await store().users.getByLogin('ghost'), undefined);
    assert.equal(await endedAt('id-ghost-live1'), null);
    assert.equal(await endedAt('id-ghost-live2'), null);
    assert.deepEqual(await revocation('id-ghost-t1'), [null, null]);
    assert.deepEqual(await revocation('id-ghost-t2'), [null, null]);
  });

  it('an update that cannot be written (login taken) is refused and ends no session, revokes no family', async () => {
    await store().users.insert(aUser('id-taker', 'taken.login'));
    await store().users.insert(aUser('id-clash', 'clash'));
    await accessOf(store(), 'id-clash');
    await assert.rejects(
      store().users.update(aUser('id-clash', 'TAKEN.login'), { endAccess: { at: 1_700_000_003_000, reason: 'user_disabled' } }),
    );
    assert.deepEqual(await store().users.getById('id-clash'), aUser('id-clash', 'clash'));
    assert.equal(await endedAt('id-clash-live1'), null);
    assert.deepEqual(await revocation('id-clash-t1'), [null, null]);
  });
});
