import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aFamily, anApp, aSession, aToken, aUser, race, useStores } from './support.js';

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

/**
 * RevocationEventsStore: the log the revocation feed serves. Every revocation writes its entry in the same
 * transaction; the cursor (seq) grows in commit order, also when several nodes revoke at once.
 */
describeEachDatabase('store contract: revocation events', (database) => {
  const { store, other } = useStores(database);
  const all = async () => store().revocationEvents.since(0, 0, 10_000);

  it('append and since: entries after the cursor, oldest first, live ones only, at most `limit`', async () => {
    const start = await store().revocationEvents.latest();
    assert.equal(start, 0);
    await store().revocationEvents.append([
      { type: 'jti', value: 'a', at: T, until: T + HOUR },
      { type: 'jti', value: 'b', at: T, until: T + 1 },
    ]);
    await store().revocationEvents.append([{ type: 'sub', value: 'u1', at: T, until: T + HOUR }]);
    const latest = await store().revocationEvents.latest();
    assert.equal(latest, 3);
    assert.deepEqual((await store().revocationEvents.since(0, T, 10)).map((e) => [e.seq, e.type, e.value]), [[1, 'jti', 'a'], [2, 'jti', 'b'], [3, 'sub', 'u1']]);
    assert.deepEqual((await store().revocationEvents.since(1, T + 1, 10)).map((e) => e.value), ['u1'], 'b is past its until');
    assert.deepEqual((await store().revocationEvents.since(0, T, 2)).map((e) => e.seq), [1, 2]);
  });

  it('concurrent appends (from two nodes on PostgreSQL) get distinct seqs that grow in commit order', async () => {
    const before = await store().revocationEvents.latest();
    // two in-process SQLite connections would block each other (better-sqlite3 waits synchronously): one node there
    const nodes = database().kind === 'postgres' ? [store(), other()] : [store()];
    await race(12, (i) => nodes[i % nodes.length]!.revocationEvents.append([{ type: 'jti', value: `race-${i}`, at: T, until: T + HOUR }]));
    const events = await store().revocationEvents.since(before, T, 100);
    assert.equal(events.length, 12);
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 12 }, (_, i) => before + i + 1));
  });

  it('refuses: by jti, by sid, and by sub or client only for tokens issued up to the change', async () => {
    await store().revocationEvents.append([
      { type: 'jti', value: 'j-revoked', at: T, until: T + HOUR },
      { type: 'sid', value: 's-ended', at: T, until: T + HOUR },
      { type: 'sub', value: 'u-disabled', at: T + 500, until: T + HOUR },
      { type: 'client', value: 'app-disabled', at: T + 500, until: T + HOUR },
    ]);
    const token = { jti: 'j', sid: 's', sub: 'u', clientId: 'c', issuedAt: T };
    const refuses = (fields: Partial<typeof token>, now = T + 1000) => store().revocationEvents.refuses({ ...token, ...fields }, now);
    assert.equal(await refuses({}), false);
    assert.equal(await refuses({ jti: 'j-revoked' }), true);
    assert.equal(await refuses({ jti: 'j-revoked' }, T + HOUR), false, 'after until the entry no longer matters');
    assert.equal(await refuses({ sid: 's-ended' }), true);
    assert.equal(await refuses({ sub: 'u-disabled' }), true);
    assert.equal(await refuses({ sub: 'u-disabled', issuedAt: T + 1000 }), false, 'issued after the change');
    assert.equal(await refuses({ clientId: 'app-disabled' }), true);
    assert.equal(await refuses({ clientId: 'app-disabled', issuedAt: T + 1000 }), false);
    assert.equal(await refuses({ jti: 'nul\u0000' }), false, 'text that cannot be stored matches nothing');
  });

  it('the revocations write their entries in the same transaction', async () => {
    const before = await store().revocationEvents.latest();
    // deny list
    await store().revokedTokens.add('deny-1', T + HOUR, T);
    await store().revokedTokens.add('deny-1', T + HOUR, T + 1); // already there: no second entry
    // refresh family: the access token issued in it
    await store().refresh.insertFamily(aFamily('fam-ev', { userId: 'u-ev', clientId: 'app-ev' }), aToken('tok-ev', 'fam-ev', { accessJti: 'jti-fam', accessExpiresAt: T + HOUR }));
    await store().refresh.revokeFamily('fam-ev', T, 'revoked_by_client');
    await store().refresh.revokeFamily('fam-ev', T + 1, 'revoked_by_client'); // already revoked
    // logout (ending a session without logout writes nothing)
    await store().sessions.insert(aSession('sess-ev', { userId: 'u-ev' }));
    await store().sessions.insert(aSession('sess-quiet', { userId: 'u-ev' }));
    assert.equal(await store().sessions.end('sess-ev', T, { logout: true }), true);
    assert.equal(await store().sessions.end('sess-quiet', T), true);
    // user: access ended
    await store().users.insert(aUser('u-ev', 'eve'));
    await store().users.update(aUser('u-ev', 'eve', { enabled: false }), { endAccess: { at: T, reason: 'user_disabled' } });
    // app: disabled (once), then deleted
    await store().apps.insert(anApp('app-ev', { accessTokenLifetime: 7200 }), []);
    await store().apps.update(anApp('app-ev', { accessTokenLifetime: 7200, enabled: false, updatedAt: T }));
    await store().apps.update(anApp('app-ev', { accessTokenLifetime: 7200, enabled: false, displayName: 'renamed', updatedAt: T }));
    await store().apps.delete('app-ev', T + 5);
    const events = (await store().revocationEvents.since(before, T, 100)).map(({ type, value, at }) => ({ type, value, at }));
    assert.deepEqual(events, [
      { type: 'jti', value: 'deny-1', at: T },
      { type: 'jti', value: 'jti-fam', at: T },
      { type: 'sid', value: 'sid-sess-ev', at: T },
      { type: 'sub', value: 'u-ev', at: T },
      { type: 'client', value: 'app-ev', at: T },
      { type: 'client', value: 'app-ev', at: T + 5 },
    ]);
    const untils = (await store().revocationEvents.since(before, T, 100)).map((e) => e.until);
    assert.equal(untils[0], T + HOUR, 'a jti matters until its token expires');
    assert.ok(untils.slice(2).every((until, i) => until >= (i === 3 ? T + 5 : T) + 7200 * 1000), 'others: until the longest access-token lifetime has passed');
  });

  it('revocations racing on two nodes (PostgreSQL) all commit, each entry once, with consecutive seqs', async (t) => {
    if (database().kind !== 'postgres') return t.skip('two nodes share PostgreSQL only');
    const before = await store().revocationEvents.latest();
    await store().users.insert(aUser('u-race', 'racer'));
    for (let i = 0; i < 6; i++) {
      await store().refresh.insertFamily(aFamily(`fam-race-${i}`, { userId: 'u-race' }), aToken(`tok-race-${i}`, `fam-race-${i}`, { accessJti: `jti-race-${i}`, accessExpiresAt: T + HOUR }));
    }
    await race<unknown>(18, (i) => {
      const node = i % 2 ? store() : other();
      if (i % 3 === 0) return node.users.update(aUser('u-race', 'racer', { enabled: false }), { endAccess: { at: T + i, reason: 'user_disabled' } });
      if (i % 3 === 1) return node.refresh.revokeFamily(`fam-race-${i % 6}`, T + i, 'revoked_by_client');
      return node.revokedTokens.add(`deny-race-${i}`, T + HOUR, T + i);
    });
    const events = await store().revocationEvents.since(before, T, 1000);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => before + i + 1));
    assert.equal(events.filter((e) => e.type === 'sub').length, 6);
    assert.equal(events.filter((e) => e.value.startsWith('deny-race-')).length, 6);
  });

  it('a rolled-back revocation leaves no entry', async () => {
    const before = await store().revocationEvents.latest();
    await assert.rejects(
      store().withTransaction(async (tx) => {
        await tx.revokedTokens.add('rolled-back', T + HOUR, T);
        throw new Error('abort');
      }),
    );
    assert.equal(await store().revocationEvents.latest(), before);
  });

  it('pruneExpired removes entries past their until, but keeps the latest (the cursor never goes back)', async () => {
    const latest = await store().revocationEvents.latest();
    const far = T + 1000 * HOUR;
    let pruned = 0;
    for (let n = -1; n !== 0; pruned += n) n = await store().revocationEvents.pruneExpired(far, 5);
    assert.ok(pruned > 0);
    assert.equal(await store().revocationEvents.latest(), latest);
    assert.equal((await all()).length, 1);
    await store().revocationEvents.append([{ type: 'jti', value: 'after-prune', at: far, until: far + HOUR }]);
    assert.equal(await store().revocationEvents.latest(), latest + 1);
  });
});
