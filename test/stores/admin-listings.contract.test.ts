import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { aFamily, aSession, aToken, anApp, useStores } from './support.js';

/**
 * What the admin API and the console list and end: live sessions per user, live refresh-token families
 * per user or app, one family by id; and the apps' admin-API flag (migration 012).
 */
describeEachDatabase('store contract: admin listings', (database) => {
  const { store } = useStores(database);
  const now = 1_700_000_100_000;

  it('apps keep the admin-API flag through insert, update and upsert; absent means false', async () => {
    await store().apps.insert(anApp('flag.tool', { adminApi: true }), []);
    assert.equal((await store().apps.get('flag.tool'))!.adminApi, true);
    await store().apps.insert(anApp('flag.plain'), []);
    assert.equal((await store().apps.get('flag.plain'))!.adminApi, false);
    assert.equal(await store().apps.update(anApp('flag.tool', { adminApi: false })), true);
    assert.equal((await store().apps.get('flag.tool'))!.adminApi, false);
    assert.equal(await store().apps.upsert(anApp('flag.tool', { adminApi: true })), true, 'a changed flag is a change');
    assert.equal((await store().apps.get('flag.tool'))!.adminApi, true);
  });

  it("sessions.listByUser: the user's sessions that are neither ended nor past their absolute expiry, newest first", async () => {
    await store().sessions.insert(aSession('ls-old', { userId: 'lu1', createdAt: now - 2_000, expiresAt: now + 60_000 }));
    await store().sessions.insert(aSession('ls-new', { userId: 'lu1', createdAt: now - 1_000, expiresAt: now + 60_000 }));
    await store().sessions.insert(aSession('ls-expired', { userId: 'lu1', createdAt: now - 3_000, expiresAt: now - 1 }));
    await store().sessions.insert(aSession('ls-ended', { userId: 'lu1', createdAt: now - 500, expiresAt: now + 60_000, endedAt: now - 100 }));
    await store().sessions.insert(aSession('ls-other', { userId: 'lu2', expiresAt: now + 60_000 }));
    const listed = await store().sessions.listByUser('lu1', now);
    assert.deepEqual(listed.map((s) => s.idHash), ['ls-new', 'ls-old']);
    assert.deepEqual(listed[0], aSession('ls-new', { userId: 'lu1', createdAt: now - 1_000, expiresAt: now + 60_000 }));
    assert.deepEqual(await store().sessions.listByUser('nobody', now), []);
    assert.deepEqual(await store().sessions.listByUser('bad\u0000id', now), [], 'unstorable text is nobody');
    assert.equal((await store().sessions.listByUser('lu1', now, 1)).length, 1);
  });

  it('refresh.listLive per user and per app (not revoked, not expired, newest first); getFamily by id', async () => {
    const live = (id: string, fields: Parameters<typeof aFamily>[1]) =>
      store().refresh.insertFamily(aFamily(id, { expiresAt: now + 60_000, ...fields }), aToken(`${id}-t`, id));
    await live('lf-a1', { userId: 'fu1', clientId: 'fa', createdAt: now - 2_000 });
    await live('lf-a2', { userId: 'fu1', clientId: 'fb', createdAt: now - 1_000 });
    await live('lf-b1', { userId: 'fu2', clientId: 'fa', createdAt: now - 1_500 });
    await live('lf-revoked', { userId: 'fu1', clientId: 'fa', revokedAt: now - 10, revokedReason: 'reuse' });
    await live('lf-expired', { userId: 'fu1', clientId: 'fa', expiresAt: now - 1 });
    assert.deepEqual((await store().refresh.listLive({ userId: 'fu1' }, now)).map((f) => f.id), ['lf-a2', 'lf-a1']);
    assert.deepEqual((await store().refresh.listLive({ clientId: 'fa' }, now)).map((f) => f.id), ['lf-b1', 'lf-a1']);
    assert.deepEqual(await store().refresh.listLive({ clientId: 'bad\ud800' }, now), []);
    assert.deepEqual(await store().refresh.getFamily('lf-a1'), aFamily('lf-a1', { userId: 'fu1', clientId: 'fa', createdAt: now - 2_000, expiresAt: now + 60_000 }));
    assert.equal(await store().refresh.getFamily('lf-none'), undefined);
    await store().refresh.revokeFamily('lf-a1', now, 'revoked_by_admin');
    assert.deepEqual((await store().refresh.listLive({ userId: 'fu1' }, now)).map((f) => f.id), ['lf-a2']);
    assert.equal((await store().refresh.getFamily('lf-a1'))!.revokedReason, 'revoked_by_admin');
  });
});
