import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { race, useStores } from './support.js';

/** RevokedTokensStore: the deny list keeps a jti only while the token would still be accepted. */
describeEachDatabase('store contract: revoked tokens', (database) => {
  const { store } = useStores(database);

  it('a revoked jti is on the deny list; others are not', async () => {
    await store().revokedTokens.add('jti-1', 1_700_000_003_600_000, 1_700_000_000_000);
    assert.equal(await store().revokedTokens.isRevoked('jti-1'), true);
    assert.equal(await store().revokedTokens.isRevoked('jti-2'), false);
    assert.equal(await store().revokedTokens.isRevoked('JTI-1'), false, 'a jti is compared exactly');
  });

  it('add is idempotent, also when raced', async () => {
    await store().revokedTokens.add('twice', 1_700_000_003_600_000, 1_700_000_000_000);
    await store().revokedTokens.add('twice', 1_700_000_003_600_000, 1_700_000_000_001);
    await race(10, (i) => store().revokedTokens.add('raced', 1_700_000_003_600_000, 1_700_000_000_000 + i));
    assert.equal(await store().revokedTokens.isRevoked('twice'), true);
    assert.equal(await store().revokedTokens.isRevoked('raced'), true);
  });

  it('a token that has already expired (exp at or before now) is not stored', async () => {
    await store().revokedTokens.add('expired', 999, 1_000);
    await store().revokedTokens.add('expiring-now', 1_000, 1_000);
    await store().revokedTokens.add('one-ms-left', 1_001, 1_000);
    assert.equal(await store().revokedTokens.isRevoked('expired'), false);
    assert.equal(await store().revokedTokens.isRevoked('expiring-now'), false);
    assert.equal(await store().revokedTokens.isRevoked('one-ms-left'), true);
  });

  it('pruneExpired removes entries whose token expired before the time, in batches of at most `limit`; one row per jti', async () => {
    for (const i of [1, 2, 3, 4]) await store().revokedTokens.add(`old-${i}`, 5_000 + i, 1_000);
    await store().revokedTokens.add('old-1', 5_001, 1_001); // the same jti again adds no row
    await store().revokedTokens.add('edge', 10_000, 1_000);
    // with one-ms-left (exp 1_001) from the test before: five expired
    assert.equal(await store().revokedTokens.pruneExpired(10_000, 3), 3);
    assert.equal(await store().revokedTokens.pruneExpired(10_000, 3), 2);
    assert.equal(await store().revokedTokens.pruneExpired(10_000, 3), 0);
    for (const jti of ['old-1', 'old-2', 'old-3', 'old-4', 'one-ms-left']) assert.equal(await store().revokedTokens.isRevoked(jti), false, jti);
    assert.equal(await store().revokedTokens.isRevoked('edge'), true, 'expiring at the time: kept');
    assert.equal(await store().revokedTokens.isRevoked('jti-1'), true);
    assert.equal(await store().revokedTokens.pruneExpired(10_001), 1);
    assert.equal(await store().revokedTokens.isRevoked('edge'), false);
  });
});
