import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { User } from '../../src/domain/user.js';
import type { Session } from '../../src/domain/session.js';
import { randomId } from '../../src/tokens/opaque.js';

const T = Date.parse('2026-03-01T10:00:00Z');

function session(userId: string, name: string): Session {
  return { idHash: `hash-${name}`, sid: `sid-${name}`, userId, authTime: T / 1000, amr: ['pwd'], createdAt: T, lastSeenAt: T, expiresAt: T + 3_600_000, endedAt: null };
}

/**
 * users.update and users.setPasswordHash with endAccess: one transaction that writes the user, ends the
 * user's sessions (but the kept one) and revokes their refresh families.
 */
describeEachDatabase('store: ending a user\'s access', (database) => {
  let store: Store;
  let user: User;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
    user = {
      id: randomId(), login: 'kim', displayName: 'Kim', email: null, emailVerified: false, locale: null, kind: 'internal',
      isAdmin: false, enabled: true, passwordHash: 'old', createdAt: T, updatedAt: T,
    };
    await store.users.insert(user);
  });
  after(async () => store?.close());

  async function family(sid: string): Promise<string> {
    const id = randomId();
    await store.refresh.insertFamily(
      { id, clientId: 'web.app', userId: user.id, scope: ['openid'], sid, authTime: T / 1000, amr: ['pwd'], nonce: null, createdAt: T, expiresAt: T + 86_400_000, revokedAt: null, revokedReason: null },
      { tokenHash: `rt-${id}`, familyId: id, scope: ['openid'], createdAt: T, consumedAt: null, accessJti: null, accessExpiresAt: null },
    );
    return id;
  }

  it('keepSession keeps exactly that session; every other session ends and every refresh family is revoked', async () => {
    const current = session(user.id, 'current');
    const other = session(user.id, 'other');
    const stranger = session(randomId(), 'stranger');
    for (const s of [current, other, stranger]) await store.sessions.insert(s);
    const families = [await family(current.sid), await family(other.sid)];
    const changed = { ...user, passwordHash: 'new', updatedAt: T + 1 };
    assert.equal(await store.users.update(changed, { endAccess: { at: T + 1, reason: 'password_changed', keepSession: current.idHash } }), true);
    assert.equal((await store.users.getById(user.id))!.passwordHash, 'new');
    assert.equal((await store.sessions.get(current.idHash))!.endedAt, null);
    assert.equal((await store.sessions.get(other.idHash))!.endedAt, T + 1);
    assert.equal((await store.sessions.get(stranger.idHash))!.endedAt, null, "another user's session is untouched");
    for (const id of families) {
      const found = await store.refresh.find(`rt-${id}`);
      assert.equal(found!.family.revokedAt, T + 1);
      assert.equal(found!.family.revokedReason, 'password_changed');
    }
  });

  it('setPasswordHash changes only the hash: a field changed meanwhile is kept; updatedAt never moves back', async () => {
    const stale = (await store.users.getById(user.id))!;
    await store.users.update({ ...stale, enabled: false, updatedAt: T + 50 });
    assert.equal(await store.users.setPasswordHash(user.id, 'newer', T + 40), true);
    const after = (await store.users.getById(user.id))!;
    assert.deepEqual(after, { ...stale, enabled: false, passwordHash: 'newer', updatedAt: T + 50 });
    assert.equal(await store.users.setPasswordHash(user.id, 'newest', T + 60), true);
    assert.equal((await store.users.getById(user.id))!.updatedAt, T + 60);
    await store.users.update({ ...(await store.users.getById(user.id))!, enabled: true });
    assert.equal(await store.users.setPasswordHash('no-such-user', 'x', T), false);
  });

  it('setPasswordHash with endAccess keeps the one session and ends the rest, atomically with the hash', async () => {
    const kept = session(user.id, 'kept3');
    const ended = session(user.id, 'ended3');
    for (const s of [kept, ended]) await store.sessions.insert(s);
    const fam = await family(ended.sid);
    assert.equal(await store.users.setPasswordHash(user.id, 'h3', T + 70, { endAccess: { at: T + 70, reason: 'password_changed', keepSession: kept.idHash } }), true);
    assert.equal((await store.sessions.get(kept.idHash))!.endedAt, null);
    assert.equal((await store.sessions.get(ended.idHash))!.endedAt, T + 70);
    assert.equal((await store.refresh.find(`rt-${fam}`))!.family.revokedAt, T + 70);
  });

  it('without keepSession every session of the user ends', async () => {
    const a = session(user.id, 'a2');
    await store.sessions.insert(a);
    assert.equal(await store.users.update({ ...user, updatedAt: T + 2 }, { endAccess: { at: T + 2, reason: 'password_reset' } }), true);
    assert.equal((await store.sessions.get(a.idHash))!.endedAt, T + 2);
    assert.equal((await store.sessions.get('hash-kept3'))!.endedAt, T + 2);
  });
});
