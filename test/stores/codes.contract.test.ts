import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import type { IssuedFromCode } from '../../src/stores/codes.js';
import { aCode, race, useStores, wins } from './support.js';

const issued = (i: number): IssuedFromCode => ({ familyId: `family-${i}`, accessJti: `jti-${i}`, accessExpiresAt: 1_700_000_003_600_000 + i });

/** CodesStore: a code is redeemed once across processes and nodes, and records what it issued. */
describeEachDatabase('store contract: codes', (database) => {
  const { store, other } = useStores(database);

  it('a code round-trips with every field (lists, nulls, numeric timestamps)', async () => {
    const pkce = aCode('rt-pkce');
    const plain = aCode('rt-plain', {
      clientId: 'confidential.app/x', scope: ['openid'], codeChallenge: null, codeChallengeMethod: null, nonce: null,
      amr: [], authTime: 1_700_000_100,
    });
    const redeemed = aCode('rt-redeemed', { consumedAt: 1_700_000_000_500, issuedFamilyId: 'f', issuedAccessJti: 'j', issuedAccessExpiresAt: 5 });
    for (const code of [pkce, plain, redeemed]) await store().codes.insert(code);
    assert.deepEqual(await store().codes.get('rt-pkce'), pkce);
    assert.deepEqual(await store().codes.get('rt-plain'), plain);
    assert.deepEqual(await store().codes.get('rt-redeemed'), redeemed);
    assert.equal(typeof (await store().codes.get('rt-pkce'))!.expiresAt, 'number');
    assert.equal(await store().codes.get('rt-unknown'), undefined);
    await assert.rejects(store().codes.insert(aCode('rt-pkce', { userId: 'someone-else' })), 'a code hash is stored once');
    assert.deepEqual(await store().codes.get('rt-pkce'), pkce);
  });

  it('consumeAndRecord claims once and records what was issued; a second claim changes nothing', async () => {
    await store().codes.insert(aCode('once'));
    assert.equal(await store().codes.consumeAndRecord('once', 1_700_000_000_700, issued(1)), true);
    const claimed = aCode('once', {
      consumedAt: 1_700_000_000_700, issuedFamilyId: 'family-1', issuedAccessJti: 'jti-1', issuedAccessExpiresAt: 1_700_000_003_600_001,
    });
    assert.deepEqual(await store().codes.get('once'), claimed);
    assert.equal(await store().codes.consumeAndRecord('once', 1_700_000_000_800, issued(2)), false);
    assert.deepEqual(await store().codes.get('once'), claimed, 'the replay does not overwrite what the first redemption issued');
    assert.equal(await store().codes.consumeAndRecord('unknown', 1, issued(3)), false);
    assert.equal(await store().codes.get('unknown'), undefined);

    await store().codes.insert(aCode('no-refresh'));
    assert.equal(await store().codes.consumeAndRecord('no-refresh', 9, { familyId: null, accessJti: 'jti-x', accessExpiresAt: 99 }), true);
    const { issuedFamilyId, issuedAccessJti, issuedAccessExpiresAt } = (await store().codes.get('no-refresh'))!;
    assert.deepEqual([issuedFamilyId, issuedAccessJti, issuedAccessExpiresAt], [null, 'jti-x', 99]);
  });

  it('20 concurrent redemptions of one code: exactly one wins and its issue is the one recorded', async () => {
    await store().codes.insert(aCode('raced'));
    const results = await race(20, (i) => store().codes.consumeAndRecord('raced', 1_700_000_001_000 + i, issued(i)));
    assert.equal(wins(results), 1);
    const winner = results.indexOf(true);
    const code = (await store().codes.get('raced'))!;
    assert.deepEqual(
      [code.consumedAt, code.issuedFamilyId, code.issuedAccessJti, code.issuedAccessExpiresAt],
      [1_700_000_001_000 + winner, `family-${winner}`, `jti-${winner}`, 1_700_000_003_600_000 + winner],
    );
  });

  it('redemptions raced from two stores on the same database (two nodes): exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const hash = `two-nodes-${round}`;
      await store().codes.insert(aCode(hash));
      const results = await race(20, (i) => (i % 2 === 0 ? store() : other()).codes.consumeAndRecord(hash, 1_000 + i, issued(i)));
      assert.equal(wins(results), 1, `round ${round}`);
      assert.equal((await other().codes.get(hash))!.issuedAccessJti, `jti-${results.indexOf(true)}`);
    }
  });

  it('pruneExpired removes only codes that expired before the time, in batches of at most `limit`', async () => {
    const expired = ['p1', 'p2', 'p3', 'p4', 'p5'];
    for (const [i, hash] of expired.entries()) await store().codes.insert(aCode(hash, { createdAt: 1, expiresAt: 1_000 + i }));
    await store().codes.insert(aCode('p-used', { createdAt: 1, expiresAt: 1_500, consumedAt: 1_200 }));
    await store().codes.insert(aCode('p-edge', { createdAt: 1, expiresAt: 2_000 }));
    assert.equal(await store().codes.pruneExpired(2_000, 2), 2);
    assert.equal(await store().codes.pruneExpired(2_000, 2), 2);
    assert.equal(await store().codes.pruneExpired(2_000, 2), 2);
    assert.equal(await store().codes.pruneExpired(2_000, 2), 0);
    for (const hash of [...expired, 'p-used']) assert.equal(await store().codes.get(hash), undefined, hash);
    assert.deepEqual(await store().codes.get('p-edge'), aCode('p-edge', { createdAt: 1, expiresAt: 2_000 }), 'expiring at the time: kept');
    assert.deepEqual(await store().codes.get('once'), aCode('once', {
      consumedAt: 1_700_000_000_700, issuedFamilyId: 'family-1', issuedAccessJti: 'jti-1', issuedAccessExpiresAt: 1_700_000_003_600_001,
    }));
    assert.equal(await store().codes.pruneExpired(2_001), 1, 'the default batch takes the rest');
  });
});
