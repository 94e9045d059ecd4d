import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aCode, aUser, useStores } from './support.js';

/**
 * CodesStore.getWithUser: the code exchange's code and user in one statement; the code as codes.get
 * reads it, the user as users.getById reads it (undefined when that user is gone).
 */
describeEachDatabase('store contract: a code with its user', (database) => {
  const { store } = useStores(database);

  before(async () => {
    await store().users.insert(aUser('cu-plain', 'cu-plain'));
    await store().users.insert(aUser('cu-off', 'cu-off', { enabled: false, locale: null, email: null }));
    await store().users.insert(aUser('cu-mfa', 'cu-mfa'));
    await store().secondFactors.addPendingTotp({ id: 't1', userId: 'cu-mfa', secret: 's', createdAt: 1_000, confirmedAt: null, lastUsedStep: null });
    await store().secondFactors.confirmTotp('cu-mfa', 't1', 1, 2_000);
    await store().codes.insert(aCode('c-plain', { userId: 'cu-plain' }));
    await store().codes.insert(aCode('c-off', { userId: 'cu-off', codeChallenge: null, codeChallengeMethod: null, nonce: null, amr: [] }));
    await store().codes.insert(aCode('c-mfa', { userId: 'cu-mfa' }));
    await store().codes.insert(aCode('c-orphan', { userId: 'cu-gone' }));
    await store().codes.insert(aCode('c-used', { userId: 'cu-plain', consumedAt: 1_700_000_000_500, issuedFamilyId: 'f', issuedAccessJti: 'j', issuedAccessExpiresAt: 5 }));
  });

  it('a code with its user, each as read on its own (every field, both tables have created_at)', async () => {
    const read = await store().codes.getWithUser('c-plain');
    assert.deepEqual(read, { code: aCode('c-plain', { userId: 'cu-plain' }), user: aUser('cu-plain', 'cu-plain') });
    assert.deepEqual(read, { code: await store().codes.get('c-plain'), user: await store().users.getById('cu-plain') });
  });

  it('a disabled user is read as disabled, nulls as nulls; a user with a confirmed second factor as having one', async () => {
    assert.deepEqual(await store().codes.getWithUser('c-off'), {
      code: aCode('c-off', { userId: 'cu-off', codeChallenge: null, codeChallengeMethod: null, nonce: null, amr: [] }),
      user: aUser('cu-off', 'cu-off', { enabled: false, locale: null, email: null }),
    });
    assert.deepEqual((await store().codes.getWithUser('c-mfa'))!.user, aUser('cu-mfa', 'cu-mfa', { hasSecondFactor: true }));
  });

  it('a code whose user is gone: the code, and no user', async () => {
    assert.deepEqual(await store().codes.getWithUser('c-orphan'), { code: aCode('c-orphan', { userId: 'cu-gone' }), user: undefined });
  });

  it('a used code is read as used (replay detection needs it)', async () => {
    assert.equal((await store().codes.getWithUser('c-used'))!.code.consumedAt, 1_700_000_000_500);
  });

  it('an unknown code, or one with a NUL byte or a lone surrogate: nothing, and no error', async () => {
    assert.equal(await store().codes.getWithUser('c-unknown'), undefined);
    assert.equal(await store().codes.getWithUser('c-plain\u0000'), undefined);
    assert.equal(await store().codes.getWithUser('c-plain\ud800'), undefined);
  });
});
