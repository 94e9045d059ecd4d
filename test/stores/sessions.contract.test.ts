import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import type { Session } from '../../src/domain/session.js';
import { aSession, race, useStores, wins } from './support.js';

/** SessionsStore: SSO sessions shared by every node; ending one is won by exactly one caller. */
describeEachDatabase('store contract: sessions', (database) => {
  const { store, other } = useStores(database);

  it('sessions: touch, renew (same sid under a new id), end once, prune', async () => {
    const session: Session = {
      idHash: 'sh1', sid: 'sid-1', userId: 'u1', authTime: 100, amr: ['pwd'], createdAt: 1_000, lastSeenAt: 1_000,
      expiresAt: 1_000_000, endedAt: null,
    };
    await store().sessions.insert(session);
    assert.equal(await store().sessions.touch('sh1', 2_000), true);
    assert.equal(await store().sessions.renew('sh1', 'u1', { idHash: 'sh1b', authTime: 200, amr: ['pwd'], now: 3_000, expiresAt: 2_000_000 }), true);
    assert.equal(await store().sessions.get('sh1'), undefined, 'the old id is gone');
    const renewed = (await store().sessions.get('sh1b'))!;
    assert.equal(renewed.sid, 'sid-1');
    assert.equal(renewed.authTime, 200);
    assert.equal(renewed.expiresAt, 2_000_000);
    assert.equal((await store().sessions.getBySid('sid-1'))!.idHash, 'sh1b');
    const ends = await Promise.all([store().sessions.end('sh1b', 4_000), store().sessions.end('sh1b', 4_000)]);
    assert.deepEqual(ends.sort(), [false, true]);
    assert.equal(await store().sessions.touch('sh1b', 5_000), false);
    assert.equal(await store().sessions.renew('sh1b', 'u1', { idHash: 'sh1c', authTime: 300, amr: ['pwd'], now: 5_000, expiresAt: 9 }), false);
    await store().sessions.insert({ ...session, idHash: 'sh2', sid: 'sid-2', lastSeenAt: 10_000 });
    assert.equal(await store().sessions.pruneExpired(5_000, 60_000), 1, 'the ended one goes; the idle-but-recent one stays');
    assert.equal(await store().sessions.pruneExpired(80_000, 60_000), 1, 'idle past the idle lifetime goes');
  });

  it('a session round-trips with every field, by id hash and by sid', async () => {
    const live = aSession('rt-live', { amr: ['pwd', 'otp'] });
    const ended = aSession('rt-ended', { userId: 'u2', amr: [], endedAt: 1_700_000_000_700 });
    await store().sessions.insert(live);
    await store().sessions.insert(ended);
    assert.deepEqual(await store().sessions.get('rt-live'), live);
    assert.deepEqual(await store().sessions.getBySid('sid-rt-live'), live);
    assert.deepEqual(await store().sessions.get('rt-ended'), ended);
    assert.equal(typeof (await store().sessions.get('rt-live'))!.lastSeenAt, 'number');
    assert.equal(await store().sessions.get('rt-unknown'), undefined);
    assert.equal(await store().sessions.getBySid('sid-rt-unknown'), undefined);
    await assert.rejects(store().sessions.insert(aSession('rt-other', { sid: 'sid-rt-live' })), 'a sid names one session');
  });

  it('touch slides only the idle time; renew moves the session to a new id hash with new auth_time, amr, last use and expiry, keeping sid and creation', async () => {
    await store().sessions.insert(aSession('tr'));
    assert.equal(await store().sessions.touch('tr', 1_700_000_000_900), true);
    assert.deepEqual(await store().sessions.get('tr'), aSession('tr', { lastSeenAt: 1_700_000_000_900 }));
    const change = { idHash: 'tr-new', authTime: 1_700_000_001, amr: ['pwd', 'mfa'], now: 1_700_000_001_000, expiresAt: 1_700_086_401_000 };
    assert.equal(await store().sessions.renew('tr', 'someone-else', change), false, "another user's sign-in cannot take it over");
    assert.deepEqual(await store().sessions.get('tr'), aSession('tr', { lastSeenAt: 1_700_000_000_900 }), 'nothing changed');
    assert.equal(await store().sessions.renew('tr', 'u1', change), true);
    assert.equal(await store().sessions.get('tr'), undefined, 'the old id no longer names a session');
    assert.deepEqual(
      await store().sessions.get('tr-new'),
      aSession('tr', { idHash: 'tr-new', authTime: change.authTime, amr: change.amr, lastSeenAt: change.now, expiresAt: change.expiresAt }),
    );
    assert.equal(await store().sessions.renew('tr', 'u1', { ...change, idHash: 'tr-again' }), false, 'the old id cannot be renewed again');
    assert.equal(await store().sessions.touch('unknown', 1), false);
    assert.equal(await store().sessions.renew('unknown', 'u1', { ...change, idHash: 'x' }), false);
    assert.equal(await store().sessions.end('unknown', 1), false);
  });

  it('20 concurrent renewals of one session (two nodes): exactly one wins, and one record remains under its id', async () => {
    await store().sessions.insert(aSession('renew-race'));
    const change = (i: number) => ({ idHash: `renew-race-${i}`, authTime: 1_700_000_001, amr: ['pwd'], now: 1_700_000_001_000, expiresAt: 1_700_086_401_000 });
    const results = await race(20, (i) => (i % 2 === 0 ? store() : other()).sessions.renew('renew-race', 'u1', change(i)));
    assert.equal(wins(results), 1);
    const winner = results.indexOf(true);
    assert.equal((await store().sessions.getBySid('sid-renew-race'))!.idHash, `renew-race-${winner}`);
    for (let i = 0; i < 20; i++) if (i !== winner) assert.equal(await store().sessions.get(`renew-race-${i}`), undefined);
  });

  it('replace ends the previous session and starts the new one in one transaction', async () => {
    await store().sessions.insert(aSession('rp-old'));
    await store().sessions.replace('rp-old', aSession('rp-new', { userId: 'u2', createdAt: 1_700_000_005_000 }));
    assert.equal((await store().sessions.get('rp-old'))!.endedAt, 1_700_000_005_000);
    assert.deepEqual(await store().sessions.get('rp-new'), aSession('rp-new', { userId: 'u2', createdAt: 1_700_000_005_000 }));
    await store().sessions.replace(null, aSession('rp-alone'));
    assert.deepEqual(await store().sessions.get('rp-alone'), aSession('rp-alone'));
    // the new session cannot be stored (its sid is taken): the previous one is not ended either
    await store().sessions.insert(aSession('rp-keep'));
    await assert.rejects(store().sessions.replace('rp-keep', aSession('rp-dup', { sid: 'sid-rp-alone' })));
    assert.deepEqual(await store().sessions.get('rp-keep'), aSession('rp-keep'));
  });

  it('20 concurrent ends: exactly one call ends the session, at its time; an ended session refuses touch and renew', async () => {
    await store().sessions.insert(aSession('end-race'));
    const results = await race(20, (i) => store().sessions.end('end-race', 1_700_000_002_000 + i));
    assert.equal(wins(results), 1);
    const ended = aSession('end-race', { endedAt: 1_700_000_002_000 + results.indexOf(true) });
    assert.deepEqual(await store().sessions.get('end-race'), ended);
    assert.equal(await store().sessions.touch('end-race', 1_700_000_003_000), false);
    assert.equal(await store().sessions.renew('end-race', 'u1', { idHash: 'end-race-2', authTime: 1, amr: [], now: 1_700_000_003_000, expiresAt: 2 }), false);
    assert.deepEqual(await store().sessions.get('end-race'), ended, 'nothing changed after the end');
  });

  it('ends raced from two stores on the same database (two nodes): exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      await store().sessions.insert(aSession(`end-nodes-${round}`));
      const results = await race(20, (i) => (i % 2 === 0 ? store() : other()).sessions.end(`end-nodes-${round}`, 1_700_000_002_000 + i));
      assert.equal(wins(results), 1, `round ${round}`);
      assert.equal((await other().sessions.get(`end-nodes-${round}`))!.endedAt, 1_700_000_002_000 + results.indexOf(true));
    }
  });

  it('pruneExpired removes ended, expired and idle sessions before the time, in batches of at most `limit`', async () => {
    const before = 1_000_000;
    const idleMs = 100_000;
    const doomed = [
      aSession('p-ended', { createdAt: 1, lastSeenAt: 950_000, expiresAt: 2_000_000, endedAt: before - 1 }),
      aSession('p-expired', { createdAt: 1, lastSeenAt: 950_000, expiresAt: before - 1 }),
      aSession('p-idle', { createdAt: 1, lastSeenAt: before - idleMs - 1, expiresAt: 2_000_000 }),
    ];
    const kept = [
      aSession('k-ended-now', { createdAt: 1, lastSeenAt: 950_000, expiresAt: 2_000_000, endedAt: before }),
      aSession('k-expires-now', { createdAt: 1, lastSeenAt: 950_000, expiresAt: before }),
      aSession('k-idle-edge', { createdAt: 1, lastSeenAt: before - idleMs, expiresAt: 2_000_000 }),
    ];
    for (const session of [...doomed, ...kept]) await store().sessions.insert(session);
    assert.equal(await store().sessions.pruneExpired(before, idleMs, 2), 2);
    assert.equal(await store().sessions.pruneExpired(before, idleMs, 2), 1);
    assert.equal(await store().sessions.pruneExpired(before, idleMs, 2), 0);
    for (const session of doomed) assert.equal(await store().sessions.get(session.idHash), undefined, session.idHash);
    for (const session of kept) assert.deepEqual(await store().sessions.get(session.idHash), session);
    assert.deepEqual(await store().sessions.get('rt-live'), aSession('rt-live', { amr: ['pwd', 'otp'] }));
  });
});
