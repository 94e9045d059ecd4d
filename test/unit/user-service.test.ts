import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeEachDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { UserService } from '../../src/admin/user-service.js';
import { AdminError } from '../../src/errors/admin-error.js';
import { verifyPassword } from '../../src/domain/password.js';
import { refuses } from '../support/admin-assertions.js';
import { inspectDatabase } from '../support/inspect-database.js';


describeEachDatabase('admin service: users', (database) => {
  let server: TestServer;
  let users: UserService;
  const t = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, now: () => t });
    users = new UserService(server.app.ctx);
  });
  after(async () => server?.close());

  const jane = { login: 'Jane', displayName: 'Jane Doe', kind: 'internal' as const, password: 'a long enough secret' };

  it('creates a user with a UUID subject and an argon2id password hash', async () => {
    const { user } = await users.create({ ...jane, email: 'jane@example.com', locale: 'nl-NL' });
    assert.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(user.passwordHash, /^\$argon2id\$/);
    assert.equal(user.enabled, true);
    assert.equal(user.isAdmin, false);
    assert.equal(user.emailVerified, false);
    assert.equal(await verifyPassword(user.passwordHash, jane.password, server.app.ctx.config.argon2), true);
  });

  it('refuses a duplicate login without regard to case', async () => {
    await refuses(users.create({ ...jane, login: 'JANE' }), 'a user with login "JANE" already exists', 'conflict');
  });

  it('two simultaneous creates of one login: exactly one wins, the other is a conflict', async () => {
    const attempt = (login: string) => users.create({ ...jane, login });
    const results = await Promise.allSettled([attempt('racer'), attempt('RACER')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    assert.ok(rejected.reason instanceof AdminError, String(rejected.reason));
    assert.equal(rejected.reason.code, 'conflict');
    assert.match(rejected.reason.message, /^a user with login "(racer|RACER)" already exists$/);
  });

  it('enforces the password rules: minimum length and not the login itself', async () => {
    await refuses(users.create({ ...jane, login: 'bob', password: 'short' }), 'password refused: the password must be at least 10 characters long');
    await refuses(users.create({ ...jane, login: 'robert.smith', password: 'Robert.Smith' }), 'password refused: the password must not be the login itself');
    await refuses(users.setPassword('jane', 'JANE'), 'password refused: the password must be at least 10 characters long');
    assert.equal(await server.app.ctx.store.users.getByLogin('bob'), undefined);
  });

  it('refuses weak passwords and passwords built from the login, name or email, on create and on set-password', async () => {
    const weak = 'password refused: the password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.';
    await refuses(users.create({ ...jane, login: 'weakling', password: 'password1234' }), weak);
    await refuses(users.create({ ...jane, login: 'weakling', password: 'weakling river orbit' }), 'password refused: the password must not contain the login');
    await refuses(users.create({ ...jane, login: 'weakling', password: 'river jane orbit lantern' }), 'password refused: the password must not contain the name or a part of it');
    await refuses(users.create({ ...jane, login: 'weakling', email: 'w.k@example.com', password: 'orbit w.k@example.com' }), 'password refused: the password must not contain the email address or a part of it');
    assert.equal(await server.app.ctx.store.users.getByLogin('weakling'), undefined);
    const before = (await users.show('jane')).passwordHash;
    await refuses(users.setPassword('jane', 'password1234'), weak);
    await refuses(users.setPassword('jane', 'lantern JANE orbit river'), 'password refused: the password must not contain the login');
    assert.equal((await users.show('jane')).passwordHash, before, 'a refused password changes nothing');
  });

  it('validates the other fields', async () => {
    await refuses(users.create({ ...jane, login: 'x y' }), 'the login "x y" is refused: no spaces, control characters, quotes or angle brackets');
    await refuses(users.create({ ...jane, login: 'xy', email: 'nope' }), 'the email address "nope" is not valid');
    await refuses(users.create({ ...jane, login: 'xy', kind: 'robot' as 'internal' }), 'the user kind must be internal or community, got "robot"');
  });

  it('set-password replaces the hash and ends sessions and refresh families', async () => {
    const db = await inspectDatabase(server.app.ctx);
    const user = await users.show('jane');
    await db.insertInto('sessions').values({
      id_hash: 'h1', sid: 'sid-1', user_id: user.id, auth_time: 1, amr: '["pwd"]', created_at: t, last_seen_at: t,
      expires_at: t + 1e9, ended_at: null,
    }).execute();
    await db.insertInto('refresh_families').values({
      id: 'fam-u', client_id: 'c', user_id: user.id, scope: 'openid', sid: 'sid-1', auth_time: 1, amr: '[]',
      nonce: null, created_at: t, expires_at: t + 1e9, revoked_at: null, revoked_reason: null,
    }).execute();
    await db.insertInto('refresh_tokens').values([
      { token_hash: 'rt-live', family_id: 'fam-u', scope: 'openid', created_at: t, consumed_at: null, access_jti: 'jti-live', access_expires_at: t + 3_600_000 },
      { token_hash: 'rt-old', family_id: 'fam-u', scope: 'openid', created_at: t, consumed_at: t, access_jti: 'jti-expired', access_expires_at: t - 1 },
    ]).execute();
    const changed = await users.setPassword(user.id, 'a brand new password');
    const params = server.app.ctx.config.argon2;
    assert.equal(await verifyPassword(changed.passwordHash, 'a brand new password', params), true);
    assert.equal(await verifyPassword(changed.passwordHash, jane.password, params), false);
    const session = await db.selectFrom('sessions').selectAll().where('sid', '=', 'sid-1').executeTakeFirstOrThrow();
    assert.equal(session.ended_at, t);
    const family = await db.selectFrom('refresh_families').selectAll().where('id', '=', 'fam-u').executeTakeFirstOrThrow();
    assert.equal(family.revoked_at, t);
    assert.equal(family.revoked_reason, 'password_changed');
    assert.equal(await server.app.ctx.store.revokedTokens.isRevoked('jti-live'), true, 'the access tokens issued in it are deny-listed');
    assert.equal(await server.app.ctx.store.revokedTokens.isRevoked('jti-expired'), false, 'an expired one needs no entry');
  });

  it('disable and enable; unknown users are reported', async () => {
    assert.equal((await users.disable('jane')).enabled, false);
    assert.equal((await server.app.ctx.store.users.getByLogin('jane'))!.enabled, false);
    assert.equal((await users.enable('JANE')).enabled, true);
    await refuses(users.disable('nobody'), 'no user with login or id "nobody"', 'not_found');
    assert.deepEqual((await users.list()).map((u) => u.login.toLowerCase()), ['jane', 'racer']);
  });
});
