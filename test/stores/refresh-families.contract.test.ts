import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { describeEachDatabase } from '../support/databases.js';
import { inspectDatabase } from '../support/inspect-database.js';
import { openStore, type Store } from '../../src/stores/store.js';
import { aFamily, aToken, aUser, race, startSecondNode, useStores, wins } from './support.js';

/** RefreshFamiliesStore: rotation wins once across nodes; a revoked family refreshes no more and deny-lists its access tokens. */
describeEachDatabase('store contract: refresh families', (database, kind) => {
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

  it('findWithUser reads the token, its family and the user as getById does (second factor included); a deleted user is undefined', async () => {
    await store().users.insert(aUser('fw-u', 'fw-login'));
    await store().refresh.insertFamily(aFamily('fw', { userId: 'fw-u' }), aToken('fw-0', 'fw'));
    const read = async () => {
      const found = await store().refresh.findWithUser('fw-0');
      assert.deepEqual(found, { token: aToken('fw-0', 'fw'), family: aFamily('fw', { userId: 'fw-u' }), user: await store().users.getById('fw-u') });
      return found!.user;
    };
    assert.equal((await read())!.hasSecondFactor, false);
    await store().passkeys.add({
      id: 'fw-key', userId: 'fw-u', publicKey: 'pk', counter: 0, transports: [], backedUp: false, name: 'key', createdAt: 1_000, lastUsedAt: null,
    });
    assert.equal((await read())!.hasSecondFactor, true);
    await store().users.update({ ...(await store().users.getById('fw-u'))!, enabled: false });
    assert.equal((await read())!.enabled, false, 'a disabled user is read as disabled at once');
    await store().refresh.insertFamily(aFamily('fw-gone', { userId: 'fw-nobody' }), aToken('fw-gone-0', 'fw-gone'));
    assert.deepEqual(await store().refresh.findWithUser('fw-gone-0'), { token: aToken('fw-gone-0', 'fw-gone'), family: aFamily('fw-gone', { userId: 'fw-nobody' }), user: undefined });
    assert.equal(await store().refresh.findWithUser('fw-unknown'), undefined);
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
  describe('reuse grace window', () => {
    const T0 = 1_700_000_100_000;
    const live = async (family: string, hashes: readonly string[]) => {
      const found = await Promise.all(hashes.map((hash) => store().refresh.find(hash)));
      return found.filter((f) => f && f.family.id === family && f.token.consumedAt === null).map((f) => f!.token.tokenHash);
    };

    it('rotate records graceUntil; within it reissueWithinGrace adds siblings, at its end nothing', async () => {
      await store().refresh.insertFamily(aFamily('g'), aToken('g-0', 'g'));
      assert.equal(await store().refresh.rotate('g-0', aToken('g-1', 'g'), T0, T0 + 30_000), true);
      assert.deepEqual((await store().refresh.find('g-0'))!.token, aToken('g-0', 'g', { consumedAt: T0, graceUntil: T0 + 30_000 }));
      assert.equal(await store().refresh.reissueWithinGrace('g-0', aToken('g-1b', 'g'), T0 + 29_999), true);
      assert.equal(await store().refresh.reissueWithinGrace('g-0', aToken('g-1c', 'g'), T0 + 30_000), false, 'the window is half-open');
      assert.equal(await store().refresh.find('g-1c'), undefined, 'nothing written');
      assert.deepEqual(await live('g', ['g-0', 'g-1', 'g-1b', 'g-1c']), ['g-1', 'g-1b']);
      // an unrotated token, another family's successor, a token without a window: nothing
      assert.equal(await store().refresh.reissueWithinGrace('g-1', aToken('g-x', 'g'), T0 + 1), false);
      await store().refresh.insertFamily(aFamily('g-other'), aToken('g-other-0', 'g-other'));
      assert.equal(await store().refresh.reissueWithinGrace('g-0', aToken('g-y', 'g-other'), T0 + 1), false);
      assert.equal(await stored(['g-x', 'g-y']), 0);
    });

    it('rotating any sibling retires the others and closes every earlier window: one live token again', async () => {
      await store().refresh.insertFamily(aFamily('s'), aToken('s-0', 's'));
      await store().refresh.rotate('s-0', aToken('s-1', 's'), T0, T0 + 30_000);
      await store().refresh.reissueWithinGrace('s-0', aToken('s-1b', 's'), T0 + 1);
      assert.equal(await store().refresh.rotate('s-1b', aToken('s-2', 's'), T0 + 2, T0 + 30_002), true);
      assert.deepEqual(await live('s', ['s-0', 's-1', 's-1b', 's-2']), ['s-2']);
      const retired = (await store().refresh.find('s-1'))!.token;
      assert.deepEqual([retired.consumedAt, retired.graceUntil], [T0 + 2, null], 'a retired sibling has no window');
      assert.equal((await store().refresh.find('s-0'))!.token.graceUntil, null, 's-0\'s window closed by the later rotation');
      assert.equal(await store().refresh.reissueWithinGrace('s-0', aToken('s-late', 's'), T0 + 3), false);
      assert.equal(await store().refresh.reissueWithinGrace('s-1', aToken('s-late2', 's'), T0 + 3), false);
      assert.equal(await store().refresh.reissueWithinGrace('s-1b', aToken('s-2b', 's'), T0 + 3), true, 's-1b\'s own window is open');
      assert.equal(await store().refresh.rotate('s-1', aToken('s-never', 's'), T0 + 3, T0 + 30_003), false, 'a retired sibling is consumed');
    });

    it('a revoked family re-issues nothing, even within a window', async () => {
      await store().refresh.insertFamily(aFamily('gr'), aToken('gr-0', 'gr'));
      await store().refresh.rotate('gr-0', aToken('gr-1', 'gr'), T0, T0 + 30_000);
      await store().refresh.revokeFamily('gr', T0 + 1, 'reuse');
      assert.equal(await store().refresh.reissueWithinGrace('gr-0', aToken('gr-2', 'gr'), T0 + 2), false);
      assert.equal(await store().refresh.find('gr-2'), undefined);
    });

    it('rotateOrReissue rotates a live token, re-issues a rotated one within its window, and else writes nothing', async () => {
      await store().refresh.insertFamily(aFamily('ro'), aToken('ro-0', 'ro'));
      assert.equal(await store().refresh.rotateOrReissue('ro-0', aToken('ro-1', 'ro'), T0, T0 + 30_000), 'rotated');
      assert.deepEqual((await store().refresh.find('ro-0'))!.token, aToken('ro-0', 'ro', { consumedAt: T0, graceUntil: T0 + 30_000 }));
      assert.equal(await store().refresh.rotateOrReissue('ro-0', aToken('ro-1b', 'ro'), T0 + 1, T0 + 30_001), 'reissued');
      assert.deepEqual((await store().refresh.find('ro-0'))!.token.graceUntil, T0 + 30_000, 'a re-issue leaves the window as it was');
      assert.deepEqual(await live('ro', ['ro-0', 'ro-1', 'ro-1b']), ['ro-1', 'ro-1b']);
      assert.equal(await store().refresh.rotateOrReissue('ro-0', aToken('ro-late', 'ro'), T0 + 30_000, T0 + 60_000), 'lost', 'after the window');
      assert.equal(await store().refresh.rotateOrReissue('ro-1b', aToken('ro-2', 'ro'), T0 + 2, T0 + 30_002), 'rotated');
      assert.equal(await store().refresh.rotateOrReissue('ro-1', aToken('ro-retired', 'ro'), T0 + 3, T0 + 30_003), 'lost', 'a retired sibling has no window');
      await store().refresh.revokeFamily('ro', T0 + 4, 'reuse');
      assert.equal(await store().refresh.rotateOrReissue('ro-1b', aToken('ro-revoked', 'ro'), T0 + 5, T0 + 30_005), 'lost', 'a revoked family');
      assert.equal(await stored(['ro-late', 'ro-retired', 'ro-revoked']), 0, 'nothing written when lost');
    });

    describe('PostgreSQL: statements after the family lock see what the holder committed', { skip: kind !== 'postgres' && 'SQLite transactions begin with the write lock' }, () => {
      const WAITER = `tg-refresh-waiter-${process.pid}`;
      let waiter: Store | undefined;
      const waiting = () => waiter!;
      before(async () => {
        const url = new URL(database().url);
        url.searchParams.set('application_name', WAITER);
        waiter = await openStore(url.toString());
      });
      after(async () => waiter?.close());

      /** Resolves once `count` of the waiter's statements wait for a lock; rejects when `calls` settle first. */
      const blocked = async (count: number, calls: Promise<unknown>) => {
        const inspect = await inspectDatabase({ config: { databaseUrl: database().url } } as never);
        let settled = false;
        void calls.finally(() => (settled = true));
        for (;;) {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${WAITER} and wait_event_type = 'Lock'`.execute(inspect);
          if (rows[0]!.n >= count) return;
          if (settled) throw new Error('the waiting calls finished without waiting for the family lock');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };

      it('a rotation that waited for a grace re-issue retires the sibling it inserted: one live token', async () => {
        await store().refresh.insertFamily(aFamily('wl'), aToken('wl-0', 'wl'));
        assert.equal(await store().refresh.rotate('wl-0', aToken('wl-1', 'wl'), T0, T0 + 30_000), true);
        let rotation: Promise<boolean> | undefined;
        await store().withTransaction(async (tx) => {
          // the re-issue holds the family lock until this transaction commits
          assert.equal(await tx.refresh.reissueWithinGrace('wl-0', aToken('wl-1b', 'wl'), T0 + 1), true);
          rotation = waiting().refresh.rotate('wl-1', aToken('wl-2', 'wl'), T0 + 2, T0 + 30_002);
          await blocked(1, rotation);
        });
        assert.equal(await rotation, true);
        assert.deepEqual(await live('wl', ['wl-0', 'wl-1', 'wl-1b', 'wl-2']), ['wl-2'], 'the sibling inserted while the rotation waited is retired');
        assert.equal((await store().refresh.find('wl-0'))!.token.graceUntil, null, 'the earlier window is closed');
      });

      it('calls that waited for a rotation see its claim: its token is re-issued within the window, a retired sibling is lost', async () => {
        await store().refresh.insertFamily(aFamily('wr'), aToken('wr-0', 'wr'));
        await store().refresh.rotate('wr-0', aToken('wr-1', 'wr'), T0, T0 + 30_000);
        await store().refresh.reissueWithinGrace('wr-0', aToken('wr-1b', 'wr'), T0 + 1);
        let results: Promise<[string, string, boolean]> | undefined;
        await store().withTransaction(async (tx) => {
          assert.equal(await tx.refresh.rotate('wr-1', aToken('wr-2', 'wr'), T0 + 2, T0 + 30_002), true);
          results = Promise.all([
            waiting().refresh.rotateOrReissue('wr-1', aToken('wr-3', 'wr'), T0 + 3, T0 + 30_003),
            waiting().refresh.rotateOrReissue('wr-1b', aToken('wr-4', 'wr'), T0 + 3, T0 + 30_003),
            waiting().refresh.rotate('wr-1', aToken('wr-5', 'wr'), T0 + 3, T0 + 30_003),
          ]);
          await blocked(3, results);
        });
        assert.deepEqual(await results, ['reissued', 'lost', false]);
        assert.deepEqual(await live('wr', ['wr-1', 'wr-1b', 'wr-2', 'wr-3', 'wr-4', 'wr-5']), ['wr-2', 'wr-3']);
        assert.equal(await store().refresh.rotate('wr-3', aToken('wr-6', 'wr'), T0 + 4, T0 + 30_004), true);
        assert.deepEqual(await live('wr', ['wr-1', 'wr-1b', 'wr-2', 'wr-3', 'wr-4', 'wr-5', 'wr-6']), ['wr-6'], 'one live token after a rotation');
      });
    });

    it('two nodes: a rotation raced by re-issues and a sibling\'s rotation leaves exactly one live token', async () => {
      const node = await startSecondNode(database().url);
      try {
        for (let round = 0; round < 3; round++) {
          const f = `gn-${round}`;
          await store().refresh.insertFamily(aFamily(f), aToken(`${f}-0`, f));
          // everyone presents the same token at once: one rotation wins, the rest arrive within its window
          const theirs = Array.from({ length: 5 }, (_, i) => aToken(`${f}-theirs-${i}`, f));
          const mine = Array.from({ length: 5 }, (_, i) => aToken(`${f}-mine-${i}`, f));
          const [theirRotations, myRotations] = await Promise.all([
            node.rotate(`${f}-0`, theirs, T0, T0 + 30_000),
            race(5, (i) => store().refresh.rotate(`${f}-0`, mine[i]!, T0, T0 + 30_000)),
          ]);
          assert.deepEqual(theirRotations.filter((r) => typeof r === 'string'), [], 'no rotation failed');
          assert.equal(wins([...theirRotations, ...myRotations].map((r) => r === true)), 1, `round ${round}: one rotation`);
          const graceTheirs = Array.from({ length: 5 }, (_, i) => aToken(`${f}-gt-${i}`, f));
          const graceMine = Array.from({ length: 5 }, (_, i) => aToken(`${f}-gm-${i}`, f));
          const [theirGrace, myGrace] = await Promise.all([
            node.reissue(`${f}-0`, graceTheirs, T0 + 5),
            race(5, (i) => store().refresh.reissueWithinGrace(`${f}-0`, graceMine[i]!, T0 + 5)),
          ]);
          assert.deepEqual([...theirGrace, ...myGrace], Array(10).fill(true), 'every re-issue within the window');
          // two siblings rotate at once on two nodes: the family goes on from exactly one of them
          const siblings = [...graceTheirs, ...graceMine].map((t) => t.tokenHash);
          const [a, b] = await Promise.all([
            node.rotate(siblings[0]!, [aToken(`${f}-next-a`, f)], T0 + 6, T0 + 30_006),
            store().refresh.rotate(siblings[9]!, aToken(`${f}-next-b`, f), T0 + 6, T0 + 30_006),
          ]);
          assert.equal([a[0], b].filter((r) => r === true).length, 1, `round ${round}: one sibling rotation`);
          const all = [`${f}-0`, ...[...theirs, ...mine].map((t) => t.tokenHash), ...siblings, `${f}-next-a`, `${f}-next-b`];
          assert.equal((await live(f, all)).length, 1, `round ${round}: one live token`);
        }
      } finally {
        await node.close();
      }
    });

    it('two nodes, after the window: of 20 presentations of a rotated token none is accepted', async () => {
      const node = await startSecondNode(database().url);
      try {
        await store().refresh.insertFamily(aFamily('late'), aToken('late-0', 'late'));
        await store().refresh.rotate('late-0', aToken('late-1', 'late'), T0, T0 + 30_000);
        const theirs = Array.from({ length: 10 }, (_, i) => aToken(`late-t-${i}`, 'late'));
        const mine = Array.from({ length: 10 }, (_, i) => aToken(`late-m-${i}`, 'late'));
        const [theirResults, myResults] = await Promise.all([
          Promise.all([node.reissue('late-0', theirs.slice(0, 5), T0 + 30_000), node.rotate('late-0', theirs.slice(5), T0 + 30_000, T0 + 60_000)]),
          race(10, (i) => (i % 2 === 0
            ? store().refresh.reissueWithinGrace('late-0', mine[i]!, T0 + 30_000)
            : store().refresh.rotate('late-0', mine[i]!, T0 + 30_000, T0 + 60_000))),
        ]);
        assert.deepEqual([...theirResults.flat(), ...myResults], Array(20).fill(false));
        assert.equal(await stored([...theirs, ...mine].map((t) => t.tokenHash)), 0);
      } finally {
        await node.close();
      }
    });
  });
});
