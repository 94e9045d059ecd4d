import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import type { Interaction } from '../../src/domain/interaction.js';
import { aRequest, anInteraction, race, useStores, wins } from './support.js';

/** InteractionsStore: pending sign-ins carry the whole request; completing one is won by exactly one caller. */
describeEachDatabase('store contract: interactions', (database) => {
  const { store, other } = useStores(database);

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
    sessionSid: null,
    createdAt: 1,
    expiresAt,
    completedAt: null,
    pendingUserId: null,
    pendingAmr: null,
  });

  it('an interaction round-trips and completes exactly once, even when raced', async () => {
    await store().interactions.insert(interaction('i1', 10_000));
    assert.deepEqual((await store().interactions.get('i1'))!.request.uiLocales, ['de']);
    assert.equal(await store().interactions.setUser('i1', 'u1', 'sid-1'), true);
    const results = await Promise.all(Array.from({ length: 8 }, () => store().interactions.complete('i1', 5_000)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store().interactions.setUser('i1', 'u2', 'sid-2'), false, 'a completed interaction cannot change');
    await store().interactions.insert(interaction('i2', 100));
    assert.equal(await store().interactions.complete('i2', 200), false, 'an expired interaction cannot complete');
  });

  it('an interaction round-trips with every field, the request as given (every field set, and every one empty)', async () => {
    const full = anInteraction('rt-full', {
      request: aRequest({
        clientId: 'erp.example.com/web', redirectUri: 'https://erp.example.com/cb?x=1', responseMode: 'form_post',
        scope: ['openid', 'profile', 'offline_access', 'read'], state: 'st\u00e4te "quoted"', nonce: 'n-1',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256',
        prompt: ['login', 'consent'], maxAge: 0, loginHint: 'jane@example.com', uiLocales: ['fr-CH', 'de'],
        idTokenHintSubject: '5f0c7a4e-0000-4000-8000-000000000001',
      }),
      userId: 'u-9', sessionSid: 'session-sid', completedAt: 1_700_000_000_100,
    });
    const empty = anInteraction('rt-empty', {
      request: aRequest({ scope: [], state: null, prompt: [], uiLocales: [], maxAge: null }),
    });
    await store().interactions.insert(full);
    await store().interactions.insert(empty);
    assert.deepEqual(await store().interactions.get('rt-full'), full);
    assert.deepEqual(await store().interactions.get('rt-empty'), empty);
    assert.equal(typeof (await store().interactions.get('rt-full'))!.expiresAt, 'number');
    assert.equal(await store().interactions.get('rt-unknown'), undefined);
    await assert.rejects(store().interactions.insert(anInteraction('rt-full')), 'an id names one interaction');
    assert.deepEqual(await store().interactions.get('rt-full'), full);
  });

  it('setUser records who signed in (and the sid of their session) until the interaction completes; complete records its time', async () => {
    await store().interactions.insert(anInteraction('su'));
    assert.equal(await store().interactions.setUser('su', 'u-1', 'sid-1'), true);
    assert.equal(await store().interactions.setUser('su', 'u-2', 'sid-2'), true, 'another user may sign in instead');
    assert.deepEqual(await store().interactions.get('su'), anInteraction('su', { userId: 'u-2', sessionSid: 'sid-2' }));
    assert.equal(await store().interactions.complete('su', 1_700_000_000_300), true);
    assert.equal(await store().interactions.setUser('su', 'u-3', 'sid-3'), false);
    assert.deepEqual(
      await store().interactions.get('su'),
      anInteraction('su', { userId: 'u-2', sessionSid: 'sid-2', completedAt: 1_700_000_000_300 }),
    );
    assert.equal(await store().interactions.setUser('unknown', 'u', 'h'), false);
    assert.equal(await store().interactions.complete('unknown', 1), false);
  });

  it('complete is refused from the moment the interaction expires', async () => {
    await store().interactions.insert(anInteraction('exp', { expiresAt: 1_700_000_000_600 }));
    assert.equal(await store().interactions.complete('exp', 1_700_000_000_600), false);
    assert.equal((await store().interactions.get('exp'))!.completedAt, null);
    assert.equal(await store().interactions.complete('exp', 1_700_000_000_599), true);
  });

  it('20 concurrent completions: exactly one wins, at its time', async () => {
    await store().interactions.insert(anInteraction('race'));
    const results = await race(20, (i) => store().interactions.complete('race', 1_700_000_000_200 + i));
    assert.equal(wins(results), 1);
    assert.equal((await store().interactions.get('race'))!.completedAt, 1_700_000_000_200 + results.indexOf(true));
  });

  it('completions raced from two stores on the same database (two nodes): exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      await store().interactions.insert(anInteraction(`nodes-${round}`));
      const results = await race(20, (i) => (i % 2 === 0 ? store() : other()).interactions.complete(`nodes-${round}`, 1_700_000_000_200 + i));
      assert.equal(wins(results), 1, `round ${round}`);
      assert.equal((await other().interactions.get(`nodes-${round}`))!.completedAt, 1_700_000_000_200 + results.indexOf(true));
    }
  });

  it('isBrowserBound: only a live interaction (unexpired, not completed) binds a browser hash', async () => {
    const now = 1_700_000_000_400;
    await store().interactions.insert(anInteraction('bb-live', { browserHash: 'browser-live' }));
    await store().interactions.insert(anInteraction('bb-expired', { browserHash: 'browser-expired', expiresAt: now }));
    await store().interactions.insert(anInteraction('bb-done', { browserHash: 'browser-done' }));
    assert.equal(await store().interactions.complete('bb-done', now), true);
    assert.equal(await store().interactions.isBrowserBound('browser-live', now), true);
    assert.equal(await other().interactions.isBrowserBound('browser-live', now), true, 'every node sees it');
    assert.equal(await store().interactions.isBrowserBound('browser-live', 1_700_000_600_000), false, 'at its expiry');
    assert.equal(await store().interactions.isBrowserBound('browser-expired', now), false);
    assert.equal(await store().interactions.isBrowserBound('browser-done', now), false);
    assert.equal(await store().interactions.isBrowserBound('never-issued', now), false);
    assert.equal(await store().interactions.isBrowserBound('a\u0000b', now), false);
  });

  it('pruneExpired removes only interactions that expired before the time, in batches of at most `limit`', async () => {
    for (const i of [1, 2, 3]) await store().interactions.insert(anInteraction(`p-${i}`, { createdAt: 1, expiresAt: 500_000 + i }));
    await store().interactions.insert(anInteraction('p-done', { createdAt: 1, expiresAt: 600_000, completedAt: 2 }));
    await store().interactions.insert(anInteraction('p-edge', { createdAt: 1, expiresAt: 1_000_000 }));
    // with i1 and i2 of the first test (expired at 10_000 and 100): six expired
    assert.equal(await store().interactions.pruneExpired(1_000_000, 4), 4);
    assert.equal(await store().interactions.pruneExpired(1_000_000, 4), 2);
    assert.equal(await store().interactions.pruneExpired(1_000_000, 4), 0);
    for (const id of ['p-1', 'p-2', 'p-3', 'p-done', 'i1', 'i2']) assert.equal(await store().interactions.get(id), undefined, id);
    assert.deepEqual(await store().interactions.get('p-edge'), anInteraction('p-edge', { createdAt: 1, expiresAt: 1_000_000 }));
    assert.equal((await store().interactions.get('race'))!.id, 'race');
  });
});
