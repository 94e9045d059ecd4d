import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aUser, useStores } from './support.js';

const EXP = 1_700_000_003_600_000;
const AT = 1_700_000_000_000;

/**
 * UsersStore.getByIdUnlessRevoked: userinfo's user read and deny-list check in one statement; each half
 * answers as users.getById and revokedTokens.isRevoked answer on their own, whatever the other finds.
 */
describeEachDatabase('store contract: a user unless their access token is revoked', (database) => {
  const { store } = useStores(database);
  const NUL = 'hostile\u0000';

  before(async () => {
    await store().users.insert(aUser('u-plain', 'plain'));
    await store().users.insert(aUser('u-off', 'off', { enabled: false }));
    await store().users.insert(aUser('u-mfa', 'mfa', { requireMfa: true }));
    await store().passkeys.add({
      id: 'pk-1', userId: 'u-mfa', publicKey: 'pk', counter: 0, transports: [], backedUp: false, name: 'key', createdAt: 1_000, lastUsedAt: null,
    });
    await store().users.insert(aUser('hostile', 'hostile'));
    await store().revokedTokens.add('jti-revoked', EXP, AT);
    await store().revokedTokens.add('hostile', EXP, AT);
  });

  it('a user and a jti not on the deny list: the user as getById reads it, not revoked', async () => {
    const read = await store().users.getByIdUnlessRevoked('u-plain', 'jti-live');
    assert.deepEqual(read, { user: await store().users.getById('u-plain'), revoked: false });
    assert.deepEqual(read.user, aUser('u-plain', 'plain'));
  });

  it('a revoked jti is revoked, with its user or without one', async () => {
    assert.deepEqual(await store().users.getByIdUnlessRevoked('u-plain', 'jti-revoked'), { user: aUser('u-plain', 'plain'), revoked: true });
    assert.deepEqual(await store().users.getByIdUnlessRevoked('u-unknown', 'jti-revoked'), { user: undefined, revoked: true });
    assert.deepEqual(await store().users.getByIdUnlessRevoked('u-plain', 'JTI-REVOKED'), { user: aUser('u-plain', 'plain'), revoked: false }, 'a jti is compared exactly');
  });

  it('an unknown user and an unknown jti: neither', async () => {
    assert.deepEqual(await store().users.getByIdUnlessRevoked('u-unknown', 'jti-unknown'), { user: undefined, revoked: false });
  });

  it('a disabled user is read as disabled; a user with a second factor as having one', async () => {
    assert.deepEqual(await store().users.getByIdUnlessRevoked('u-off', 'jti-live'), { user: aUser('u-off', 'off', { enabled: false }), revoked: false });
    const mfa = await store().users.getByIdUnlessRevoked('u-mfa', 'jti-live');
    assert.deepEqual(mfa, { user: aUser('u-mfa', 'mfa', { requireMfa: true, hasSecondFactor: true }), revoked: false });
    assert.deepEqual(mfa.user, await store().users.getById('u-mfa'));
  });

  it('a user id or jti with a NUL byte finds nothing and does not throw; the other half still answers', async () => {
    assert.deepEqual(await store().users.getByIdUnlessRevoked(NUL, NUL), { user: undefined, revoked: false });
    assert.deepEqual(await store().users.getByIdUnlessRevoked(NUL, 'jti-revoked'), { user: undefined, revoked: true });
    assert.deepEqual(await store().users.getByIdUnlessRevoked('u-plain', NUL), { user: aUser('u-plain', 'plain'), revoked: false });
    assert.deepEqual(await store().users.getByIdUnlessRevoked('hostile\ud800', 'hostile\udc00'), { user: undefined, revoked: false }, 'lone surrogates');
  });
});
