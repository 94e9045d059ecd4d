import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aFamily, aToken, race, startSecondNode, useStores, wins } from './support.js';

/** RefreshFamiliesStore: rotation wins once across nodes; a revoked family refreshes no more and deny-lists its access tokens. */
describeEachDatabase('store contract: refresh families', (database) => {
  const { store } = useStores(database);

  /** How many of the given token hashes are stored. */
  const stored = async (hashes: readonly string[]) =>
    (await Promise.all(hashes.map((hash) => store().refresh.find(hash)))).filter((found) => found !== undefined).length;

  it('insertFamily and find round-trip the family and token with every field (lists, nulls, numeric timestamps)', async () => {
    const family = aFamily('rt-f');
    const first = aToken('rt-t0', 'rt-f');
    await store().refresh.insertFamily(family, first);
    assert.deepEqual(await store().refresh.find('rt-t0'), { token: first, family });
    assert.equal(typeof (await store().refresh.find('rt-t0'))!.family.expiresAt, 'number');

    const bare = aFamily('rt-bare', { scope: [], amr: [], nonce: null, revokedAt: 1_700_000_000_009, revokedReason: 'code_replay' });
    const noAccess = aToken('rt-bare-t', 'rt-bare', { scope: [], accessJti: null, accessExpiresAt: null, consumedAt: 1_700_000_000_008 });
    await store().refresh.insertFamily(bare, noAccess);
    assert.deepEqual(await store().refresh.find('rt-bare-t'), { token: noAccess, family: bare });
    assert.equal(await store().refresh.find('rt-unknown'), undefined);
  });

  it('insertFamily is atomic: a first token that cannot be stored leaves no family', async () => {
    await store().refresh.insertFamily(aFamily('at-owner'), aToken('at-taken', 'at-owner'));
    await assert.rejects(store().refresh.insertFamily(aFamily('at-new', { userId: 'u2' }), aToken('at-taken', 'at-new')));
    assert.deepEqual(await store().refresh.find('at-taken'), { token: aToken('at-taken', 'at-owner'), family: aFamily('at-owner') });
    // the family id is free again: nothing of the failed insert remains
    await store().refresh.insertFamily(aFamily('at-new'), aToken('at-fresh', 'at-new'));
    assert.deepEqual(await store().refresh.find('at-fresh'), { token: aToken('at-fresh', 'at-new'), family: aFamily('at-new') });
  });

  it('rotate consumes the presented token and stores its successor; a second rotation of it is refused', async () => {
    await store().refresh.insertFamily(aFamily('rot'), aToken('rot-0', 'rot'));
    const next = aToken('rot-1', 'rot', { createdAt: 1_700_000_000_500, scope: ['openid'] });
    assert.equal(await store().refresh.rotate('rot-0', next, 1_700_000_000_500), true);
    assert.deepEqual(await store().refresh.find('rot-0'), { token: aToken('rot-0', 'rot', { consumedAt: 1_700_000_000_500 }), family: aFamily('rot') });
    assert.deepEqual(await store().refresh.find('rot-1'), { token: next, family: aFamily('rot') });
    assert.equal(await store().refresh.rotate('rot-0', aToken('rot-2', 'rot'), 1_700_000_000_600), false);
    assert.equal(await store().refresh.find('rot-2'), undefined, 'the loser wrote nothing');
    assert.equal((await store().refresh.find('rot-0'))!.token.consumedAt, 1_700_000_000_500);
    assert.equal(await store().refresh.rotate('rot-unknown', aToken('rot-3', 'rot'), 1), false);
    assert.equal(await store().refresh.find('rot-3'), undefined);
  });

  it('rotate is refused when the successor names another family than the presented token\'s', async () => {
    await store().refresh.insertFamily(aFamily('mine'), aToken('mine-0', 'mine'));
    await store().refresh.insertFamily(aFamily('theirs'), aToken('theirs-0', 'theirs'));
    assert.equal(await store().refresh.rotate('mine-0', aToken('mine-1', 'theirs'), 1_700_000_000_500), false);
    assert.equal(await store().refresh.find('mine-1'), undefined);
    assert.equal((await store().refresh.find('mine-0'))!.token.consumedAt, null);
  });

  it('rotate is atomic: a successor that cannot be stored (hash taken) leaves the presented token unconsumed', async () => {
    await store().refresh.insertFamily(aFamily('atom'), aToken('atom-0', 'atom'));
    await assert.rejects(store().refresh.rotate('atom-0', aToken('rot-1', 'atom'), 1_700_000_000_500));
    assert.equal((await store().refresh.find('atom-0'))!.token.consumedAt, null);
    assert.equal((await store().refresh.find('rot-1'))!.token.familyId, 'rot', 'the taken hash keeps its family');
    assert.equal(await store().refresh.rotate('atom-0', aToken('atom-1', 'atom'), 1_700_000_000_600), true);
  });

  it('rotate is refused, writing nothing, once the family is revoked', async () => {
    await store().refresh.insertFamily(aFamily('rev'), aToken('rev-0', 'rev'));
    await store().refresh.revokeFamily('rev', 1_700_000_000_400, 'revoked_by_client');
    assert.equal(await store().refresh.rotate('rev-0', aToken('rev-1', 'rev'), 1_700_000_000_500), false);
    assert.equal(await store().refresh.find('rev-1'), undefined);
    assert.equal((await store().refresh.find('rev-0'))!.token.consumedAt, null);
  });

  it('20 concurrent rotations of one token with different successors: exactly one wins, one successor stored', async () => {
    await store().refresh.insertFamily(aFamily('race'), aToken('race-0', 'race'));
    const successors = Array.from({ length: 20 }, (_, i) => aToken(`race-next-${i}`, 'race'));
    const results = await race(20, (i) => store().refresh.rotate('race-0', successors[i]!, 1_700_000_000_600 + i));
    assert.equal(wins(results), 1);
    const winner = results.indexOf(true);
    assert.equal(await stored(successors.map((t) => t.tokenHash)), 1);
    assert.deepEqual((await store().refresh.find(`race-next-${winner}`))!.token, successors[winner]);
    assert.equal((await store().refresh.find('race-0'))!.token.consumedAt, 1_700_000_000_600 + winner);
  });

  it('rotations raced by a second node (another process, its own store): exactly one wins, one successor stored', async () => {
    const node = await startSecondNode(database().url);
    try {
      for (let round = 0; round < 3; round++) {
        const family = `nodes-${round}`;
        await store().refresh.insertFamily(aFamily(family), aToken(`${family}-0`, family));
        const theirs = Array.from({ length: 10 }, (_, i) => aToken(`${family}-theirs-${i}`, family));
        const mine = Array.from({ length: 10 }, (_, i) => aToken(`${family}-mine-${i}`, family));
        const [theirResults, myResults] = await Promise.all([
          node.rotate(`${family}-0`, theirs, 1_700_000_000_700),
          race(10, (i) => store().refresh.rotate(`${family}-0`, mine[i]!, 1_700_000_000_700)),
        ]);
        assert.deepEqual(theirResults.filter((r) => typeof r === 'string'), [], 'no rotation failed');
        assert.equal(wins([...theirResults, ...myResults].map((r) => r === true)), 1, `round ${round}`);
        assert.equal(await stored([...theirs, ...mine].map((t) => t.tokenHash)), 1);
      }
    } finally {
      await node.close();
    }
  });

  it('revokeFamily revokes once and deny-lists exactly the family\'s unexpired access tokens', async () => {
    const at = 1_700_000_005_000;
    await store().refresh.insertFamily(aFamily('deny'), aToken('deny-0', 'deny', { accessJti: 'live-a', accessExpiresAt: at + 1 }));
    const chain = [
      aToken('deny-1', 'deny', { accessJti: 'expired-b', accessExpiresAt: at - 1 }),
      aToken('deny-2', 'deny', { accessJti: null, accessExpiresAt: null }),
      aToken('deny-3', 'deny', { accessJti: 'edge-c', accessExpiresAt: at }),
      aToken('deny-4', 'deny', { accessJti: 'live-d', accessExpiresAt: at + 3_600_000 }),
    ];
    let presented = 'deny-0';
    for (const next of chain) {
      assert.equal(await store().refresh.rotate(presented, next, at - 10), true);
      presented = next.tokenHash;
    }
    await store().refresh.insertFamily(aFamily('bystander'), aToken('by-0', 'bystander', { accessJti: 'other-e', accessExpiresAt: at + 1 }));

    await store().refresh.revokeFamily('deny', at, 'reuse');
    const { family } = (await store().refresh.find('deny-4'))!;
    assert.deepEqual([family.revokedAt, family.revokedReason], [at, 'reuse']);
    const jtis = ['live-a', 'expired-b', 'edge-c', 'live-d', 'other-e'];
    const revoked = async () => Promise.all(jtis.map((jti) => store().revokedTokens.isRevoked(jti)));
    assert.deepEqual(await revoked(), [true, false, false, true, false]);
    assert.deepEqual((await store().refresh.find('by-0'))!.family, aFamily('bystander'));

    await store().refresh.revokeFamily('deny', at + 500, 'revoked_by_client');
    const again = (await store().refresh.find('deny-0'))!.family;
    assert.deepEqual([again.revokedAt, again.revokedReason], [at, 'reuse'], 'the first revocation stays');
    assert.deepEqual(await revoked(), [true, false, false, true, false]);
    await store().refresh.revokeFamily('no-such-family', at, 'reuse');
    assert.equal(await store().refresh.find('no-such-family'), undefined);
  });

  it('pruneExpired removes families that expired before the time with their tokens, in bounded batches', async () => {
    for (const i of [1, 2, 3]) {
      await store().refresh.insertFamily(aFamily(`old-${i}`, { createdAt: 1, expiresAt: 1_000 + i }), aToken(`old-${i}-0`, `old-${i}`));
      assert.equal(await store().refresh.rotate(`old-${i}-0`, aToken(`old-${i}-1`, `old-${i}`), 10), true);
    }
    await store().refresh.insertFamily(aFamily('edge', { createdAt: 1, expiresAt: 2_000 }), aToken('edge-0', 'edge'));
    assert.equal(await store().refresh.pruneExpired(2_000, 2), 2);
    assert.equal(await store().refresh.pruneExpired(2_000, 2), 1);
    assert.equal(await store().refresh.pruneExpired(2_000, 2), 0);
    assert.equal(await stored(['old-1-0', 'old-1-1', 'old-2-0', 'old-2-1', 'old-3-0', 'old-3-1']), 0);
    assert.deepEqual((await store().refresh.find('edge-0'))!.family, aFamily('edge', { createdAt: 1, expiresAt: 2_000 }));
    assert.deepEqual((await store().refresh.find('rt-t0'))!.family, aFamily('rt-f'));
    // the tokens went with their families: their hashes and the family ids can be stored again
    for (const i of [1, 2, 3]) {
      await store().refresh.insertFamily(aFamily(`old-${i}`), aToken(`old-${i}-1`, `old-${i}`));
      await store().refresh.insertFamily(aFamily(`reborn-${i}`), aToken(`old-${i}-0`, `reborn-${i}`));
    }
    assert.equal(await stored(['old-1-0', 'old-1-1', 'old-2-0', 'old-2-1', 'old-3-0', 'old-3-1']), 6);
  });
});
