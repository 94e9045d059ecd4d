import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { Interaction } from '../../src/domain/interaction.js';
import type { Session } from '../../src/domain/session.js';

/** The sign-in stores behave the same on SQLite and PostgreSQL (atomic single use, unions, windows, pruning). */
describeEachDatabase('sign-in stores: sessions, interactions, consents, throttles', (database) => {
  let store: Store;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
  });
  after(async () => store?.close());

  const interaction = (id: string, expiresAt: number): Interaction => ({
    id,
    browserHash: 'b',
    csrfHash: 'c',
    clientId: 'app',
    request: {
      clientId: 'app', redirectUri: 'https://a/cb', responseMode: 'query', scope: ['read'], state: 's', nonce: null,
      codeChallenge: null, codeChallengeMethod: null, prompt: [], maxAge: null, loginHint: null, uiLocales: ['de'],
      idTokenHintSubject: null,
    },
    userId: null,
    sessionIdHash: null,
    createdAt: 1,
    expiresAt,
    completedAt: null,
  });

  it('an interaction round-trips and completes exactly once, even when raced', async () => {
    await store.interactions.insert(interaction('i1', 10_000));
    assert.deepEqual((await store.interactions.get('i1'))!.request.uiLocales, ['de']);
    assert.equal(await store.interactions.setUser('i1', 'u1', 'h1'), true);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.interactions.complete('i1', 5_000)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store.interactions.setUser('i1', 'u2', 'h2'), false, 'a completed interaction cannot change');
    await store.interactions.insert(interaction('i2', 100));
    assert.equal(await store.interactions.complete('i2', 200), false, 'an expired interaction cannot complete');
  });

  it('sessions: touch, re-authenticate (same sid), end once, prune', async () => {
    const session: Session = {
      idHash: 'sh1', sid: 'sid-1', userId: 'u1', authTime: 100, amr: ['pwd'], createdAt: 1_000, lastSeenAt: 1_000,
      expiresAt: 1_000_000, endedAt: null,
    };
    await store.sessions.insert(session);
    assert.equal(await store.sessions.touch('sh1', 2_000), true);
    assert.equal(await store.sessions.reauthenticate('sh1', { authTime: 200, amr: ['pwd'], now: 3_000, expiresAt: 2_000_000 }), true);
    const renewed = (await store.sessions.get('sh1'))!;
    assert.equal(renewed.sid, 'sid-1');
    assert.equal(renewed.authTime, 200);
    assert.equal(renewed.expiresAt, 2_000_000);
    assert.equal((await store.sessions.getBySid('sid-1'))!.idHash, 'sh1');
    const ends = await Promise.all([store.sessions.end('sh1', 4_000), store.sessions.end('sh1', 4_000)]);
    assert.deepEqual(ends.sort(), [false, true]);
    assert.equal(await store.sessions.touch('sh1', 5_000), false);
    assert.equal(await store.sessions.reauthenticate('sh1', { authTime: 300, amr: ['pwd'], now: 5_000, expiresAt: 9 }), false);
    await store.sessions.insert({ ...session, idHash: 'sh2', sid: 'sid-2', lastSeenAt: 10_000 });
    assert.equal(await store.sessions.pruneExpired(5_000, 60_000), 1, 'the ended one goes; the idle-but-recent one stays');
    assert.equal(await store.sessions.pruneExpired(80_000, 60_000), 1, 'idle past the idle lifetime goes');
  });

  it('consents are the union of what was granted', async () => {
    assert.deepEqual(await store.consents.get('u1', 'app'), []);
    await store.consents.grant('u1', 'app', ['openid', 'read'], 1);
    await store.consents.grant('u1', 'app', ['read', 'update'], 2);
    assert.deepEqual(await store.consents.get('u1', 'app'), ['openid', 'read', 'update']);
    assert.deepEqual(await store.consents.get('u1', 'other'), []);
    const many = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    await Promise.all(many.map((scope, i) => store.consents.grant('u2', 'app', [scope], i)));
    assert.deepEqual((await store.consents.get('u2', 'app')).sort(), many, 'concurrent grants lose no scope');
    assert.equal(await store.consents.revoke('u1', 'app'), 1);
    assert.deepEqual(await store.consents.get('u1', 'app'), []);
  });

  it('throttle counters count atomically, restart after the window, lock and reset', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => store.throttles.recordFailure('login:x', 1_000, 60_000)));
    assert.deepEqual(results.map((r) => r.failures).sort(), [1, 2, 3, 4, 5]);
    await store.throttles.lock('login:x', 9_000, 1_000);
    await store.throttles.lock('login:x', 5_000, 1_000);
    assert.equal((await store.throttles.get(['login:x']))[0]!.lockedUntil, 9_000, 'an earlier lock does not shorten a later one');
    const restarted = await store.throttles.recordFailure('login:x', 100_000, 60_000);
    assert.equal(restarted.failures, 1);
    assert.equal(restarted.lockedUntil, null);
    assert.equal(await store.throttles.pruneStale(50_000), 0);
    assert.equal(await store.throttles.pruneStale(200_000), 1);
    await store.throttles.recordFailure('ip:y', 1, 60_000);
    await store.throttles.reset('ip:y');
    assert.deepEqual(await store.throttles.get(['ip:y']), []);
  });
});
