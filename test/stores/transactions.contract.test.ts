import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import {
  aCode, aFamily, aKey, aSecret, aSession, aToken, aUser, anApp, anInteraction, useStores,
} from './support.js';

const issued = { familyId: 'tx-family', accessJti: 'tx-jti', accessExpiresAt: 1_700_000_003_600_000 };

/** Store.withTransaction: every port writes in one transaction, committed on return, rolled back on throw. */
describeEachDatabase('store contract: withTransaction', (database) => {
  const { store } = useStores(database);

  it('commits every write when the work returns, and returns its value', async () => {
    const value = await store().withTransaction(async (tx) => {
      await tx.apps.insert(anApp('commit-app'), [aSecret('commit-s', 'commit-app')]);
      await tx.users.insert(aUser('commit-u', 'committer'));
      await tx.consents.grant('commit-u', 'commit-app', ['read'], 1);
      assert.deepEqual(await tx.consents.get('commit-u', 'commit-app'), ['read'], 'the work reads its own writes');
      return 'done';
    });
    assert.equal(value, 'done');
    assert.deepEqual(await store().apps.get('commit-app'), anApp('commit-app'));
    assert.deepEqual(await store().apps.listSecrets('commit-app'), [aSecret('commit-s', 'commit-app')]);
    assert.deepEqual(await store().users.getByLogin('committer'), aUser('commit-u', 'committer'));
    assert.deepEqual(await store().consents.get('commit-u', 'commit-app'), ['read']);
  });

  it('redeeming a code and creating its family, then throwing: the code stays unconsumed and there is no family', async () => {
    await store().codes.insert(aCode('tx-code'));
    const failure = new Error('the token could not be signed');
    await assert.rejects(
      store().withTransaction(async (tx) => {
        assert.equal(await tx.codes.consumeAndRecord('tx-code', 1_700_000_000_500, issued), true);
        await tx.refresh.insertFamily(aFamily('tx-family'), aToken('tx-t0', 'tx-family'));
        assert.equal((await tx.refresh.find('tx-t0'))!.family.id, 'tx-family');
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.deepEqual(await store().codes.get('tx-code'), aCode('tx-code'));
    assert.equal(await store().refresh.find('tx-t0'), undefined);
    // the code can still be redeemed, and the family created, once
    assert.equal(await store().codes.consumeAndRecord('tx-code', 1_700_000_000_600, issued), true);
    await store().refresh.insertFamily(aFamily('tx-family'), aToken('tx-t0', 'tx-family'));
  });

  it('rolls back the writes of every port when the work throws', async () => {
    const s = store();
    await s.apps.insert(anApp('rb-app'), [aSecret('rb-s1', 'rb-app')]);
    await s.users.insert(aUser('rb-u', 'rollback'));
    await s.codes.insert(aCode('rb-code'));
    await s.refresh.insertFamily(aFamily('rb-f'), aToken('rb-t0', 'rb-f'));
    await s.refresh.insertFamily(aFamily('rb-g'), aToken('rb-g0', 'rb-g', { accessJti: 'rb-g-jti' }));
    await s.sessions.insert(aSession('rb-sess', { userId: 'rb-u' }));
    await s.interactions.insert(anInteraction('rb-i'));
    await s.consents.grant('rb-u', 'rb-app', ['read'], 1);
    assert.equal(await s.keys.addSuccessor(aKey('rb-k1')), true);

    await assert.rejects(
      s.withTransaction(async (tx) => {
        await tx.apps.insert(anApp('rb-new-app'), []);
        assert.equal(await tx.apps.update(anApp('rb-app', { displayName: 'x' }), { revokeSecretsAt: 5, addSecret: aSecret('rb-s2', 'rb-app') }), true);
        assert.equal(await tx.apps.revokeSecret('rb-app', 'rb-s1', 6), false, 'already revoked by the update');
        await tx.users.insert(aUser('rb-u2', 'rollback2'));
        assert.equal(await tx.users.update(aUser('rb-u', 'rollback', { enabled: false }), { endAccess: { at: 7, reason: 'user_disabled' } }), true);
        assert.equal(await tx.codes.consumeAndRecord('rb-code', 8, issued), true);
        await tx.codes.insert(aCode('rb-code2'));
        assert.equal(await tx.refresh.rotate('rb-t0', aToken('rb-t1', 'rb-f'), 9), true);
        await tx.refresh.revokeFamily('rb-g', 10, 'reuse');
        await tx.sessions.insert(aSession('rb-sess2'));
        await tx.interactions.insert(anInteraction('rb-i2'));
        assert.equal(await tx.interactions.complete('rb-i', 11), true);
        await tx.consents.grant('rb-u', 'rb-app', ['update'], 12);
        assert.equal(await tx.consents.revoke('rb-u'), 1);
        await tx.revokedTokens.add('rb-jti', 1_700_000_003_600_000, 13);
        assert.equal(await tx.keys.addSuccessor(aKey('rb-k2', { supersedes: 'rb-k1' }), { at: 14, publishUntil: 15 }), true);
        assert.equal(await tx.keys.encryptPrivateKey('rb-k1', 'an envelope'), true);
        await tx.throttles.reserve({ account: 'rollback', chain: [{ key: 'd:rollback', limit: 9, kind: 'device' }] }, 16, 60_000);
        assert.equal(await tx.serverSecrets.getOrCreate('rb-secret', 'inside', 17), 'inside');
        throw new Error('boom');
      }),
      { message: 'boom' },
    );

    assert.equal(await s.apps.get('rb-new-app'), undefined);
    assert.deepEqual(await s.apps.get('rb-app'), anApp('rb-app'));
    assert.deepEqual(await s.apps.listSecrets('rb-app'), [aSecret('rb-s1', 'rb-app')]);
    assert.equal(await s.users.getById('rb-u2'), undefined);
    assert.deepEqual(await s.users.getById('rb-u'), aUser('rb-u', 'rollback'));
    assert.deepEqual(await s.codes.get('rb-code'), aCode('rb-code'));
    assert.equal(await s.codes.get('rb-code2'), undefined);
    assert.deepEqual(await s.refresh.find('rb-t0'), { token: aToken('rb-t0', 'rb-f'), family: aFamily('rb-f') });
    assert.equal(await s.refresh.find('rb-t1'), undefined);
    assert.deepEqual((await s.refresh.find('rb-g0'))!.family, aFamily('rb-g'));
    assert.equal(await s.revokedTokens.isRevoked('rb-g-jti'), false);
    assert.deepEqual(await s.sessions.get('rb-sess'), aSession('rb-sess', { userId: 'rb-u' }));
    assert.equal(await s.sessions.get('rb-sess2'), undefined);
    assert.deepEqual(await s.interactions.get('rb-i'), anInteraction('rb-i'));
    assert.equal(await s.interactions.get('rb-i2'), undefined);
    assert.deepEqual(await s.consents.get('rb-u', 'rb-app'), ['read']);
    assert.equal(await s.revokedTokens.isRevoked('rb-jti'), false);
    assert.deepEqual(await s.keys.list(), [aKey('rb-k1')]);
    assert.deepEqual(await s.throttles.get(['d:rollback']), []);
    assert.equal(await s.serverSecrets.getOrCreate('rb-secret', 'after', 18), 'after');
  });

  it('apps.delete (atomic on its own) joins the transaction: rolled back with it, committed with it', async () => {
    const s = store();
    await s.apps.insert(anApp('tx-del'), [aSecret('tx-del-s', 'tx-del')]);
    await s.refresh.insertFamily(aFamily('tx-del-f', { clientId: 'tx-del' }), aToken('tx-del-t', 'tx-del-f'));
    await s.consents.grant('u1', 'tx-del', ['read'], 1);
    await s.codes.insert(aCode('tx-del-code', { clientId: 'tx-del' }));
    await s.interactions.insert(anInteraction('tx-del-i', { clientId: 'tx-del' }));

    await assert.rejects(
      s.withTransaction(async (tx) => {
        assert.equal(await tx.apps.delete('tx-del', 1_000), true);
        assert.equal(await tx.apps.get('tx-del'), undefined);
        throw new Error('changed my mind');
      }),
      { message: 'changed my mind' },
    );
    assert.deepEqual(await s.apps.get('tx-del'), anApp('tx-del'));
    assert.deepEqual(await s.apps.listSecrets('tx-del'), [aSecret('tx-del-s', 'tx-del')]);
    assert.deepEqual((await s.refresh.find('tx-del-t'))!.family, aFamily('tx-del-f', { clientId: 'tx-del' }));
    assert.deepEqual(await s.consents.get('u1', 'tx-del'), ['read']);
    assert.deepEqual(await s.codes.get('tx-del-code'), aCode('tx-del-code', { clientId: 'tx-del' }));
    assert.deepEqual(await s.interactions.get('tx-del-i'), anInteraction('tx-del-i', { clientId: 'tx-del' }));

    assert.equal(await s.withTransaction((tx) => tx.apps.delete('tx-del', 2_000)), true);
    assert.equal(await s.apps.get('tx-del'), undefined);
    assert.deepEqual(await s.apps.listSecrets('tx-del'), []);
    const { family } = (await s.refresh.find('tx-del-t'))!;
    assert.deepEqual([family.revokedAt, family.revokedReason], [2_000, 'app_deleted']);
    assert.deepEqual(await s.consents.get('u1', 'tx-del'), []);
    assert.equal(await s.codes.get('tx-del-code'), undefined);
    assert.equal(await s.interactions.get('tx-del-i'), undefined);
  });

  it('refresh.rotate (atomic on its own) joins the transaction: rolled back with it, committed with it', async () => {
    await store().refresh.insertFamily(aFamily('tx-rot'), aToken('tx-rot-0', 'tx-rot'));
    await assert.rejects(
      store().withTransaction(async (tx) => {
        assert.equal(await tx.refresh.rotate('tx-rot-0', aToken('tx-rot-1', 'tx-rot'), 1_700_000_000_500), true);
        assert.equal(await tx.refresh.rotate('tx-rot-0', aToken('tx-rot-2', 'tx-rot'), 1_700_000_000_500), false);
        throw new Error('signing failed');
      }),
      { message: 'signing failed' },
    );
    assert.equal((await store().refresh.find('tx-rot-0'))!.token.consumedAt, null);
    assert.equal(await store().refresh.find('tx-rot-1'), undefined);

    const rotated = await store().withTransaction(async (tx) => tx.refresh.rotate('tx-rot-0', aToken('tx-rot-3', 'tx-rot'), 1_700_000_000_600));
    assert.equal(rotated, true);
    assert.equal((await store().refresh.find('tx-rot-0'))!.token.consumedAt, 1_700_000_000_600);
    assert.deepEqual((await store().refresh.find('tx-rot-3'))!.token, aToken('tx-rot-3', 'tx-rot'));
  });
});
