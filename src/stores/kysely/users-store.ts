import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import { loginKey, type User } from '../../domain/user.js';
import type { EndAccess, UsersStore } from '../users.js';
import { isStorableText } from '../../domain/text.js';
import { affected, atomic } from './atomic.js';

export class KyselyUsersStore implements UsersStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getById(id: string): Promise<User | undefined> {
    if (!isStorableText(id)) return undefined;
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async getByLogin(login: string): Promise<User | undefined> {
    if (!isStorableText(login)) return undefined;
    const row = await this.db.selectFrom('users').selectAll().where('login_key', '=', loginKey(login)).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('login_key').execute();
    return rows.map(toUser);
  }

  async insert(user: User): Promise<void> {
    await this.db.insertInto('users').values(fromUser(user)).execute();
  }

  async update(user: User, options: { endAccess?: EndAccess } = {}): Promise<boolean> {
    const { id, created_at, ...values } = fromUser(user);
    void created_at;
    return atomic(this.db, async (trx) => {
      const result = await trx.updateTable('users').set(values).where('id', '=', id).executeTakeFirst();
      if (affected(result) !== 1) return false;
      if (options.endAccess) await endAccess(trx, id, options.endAccess);
      return true;
    });
  }

  async setPasswordHash(userId: string, passwordHash: string, at: number, options: { endAccess?: EndAccess } = {}): Promise<boolean> {
    if (!isStorableText(userId)) return false;
    return atomic(this.db, async (trx) => {
      const result = await trx
        .updateTable('users')
        .set((eb) => ({
          password_hash: passwordHash,
          updated_at: eb.case().when('updated_at', '<', at).then(at).else(eb.ref('updated_at')).end(),
        }))
        .where('id', '=', userId)
        .executeTakeFirst();
      if (affected(result) !== 1) return false;
      if (options.endAccess) await endAccess(trx, userId, options.endAccess);
      return true;
    });
  }
}

/** Ends the user's sessions (all but `keepSession`) and revokes their refresh-token families, inside `trx`. */
async function endAccess(trx: Kysely<Database>, userId: string, end: EndAccess): Promise<void> {
  let sessions = trx.updateTable('sessions').set({ ended_at: end.at }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (end.keepSession !== undefined) sessions = sessions.where('id_hash', '!=', end.keepSession);
  await sessions.execute();
  await trx
    .updateTable('refresh_families')
    .set({ revoked_at: end.at, revoked_reason: end.reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    email: row.email,
    emailVerified: row.email_verified === 1,
    locale: row.locale,
    kind: row.kind,
    isAdmin: row.is_admin === 1,
    enabled: row.enabled === 1,
    requireMfa: Number(row.require_mfa) === 1,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fromUser(user: User): UsersTable {
  return {
    id: user.id,
    login: user.login,
    login_key: loginKey(user.login),
    display_name: user.displayName,
    email: user.email,
    email_verified: user.emailVerified ? 1 : 0,
    locale: user.locale,
    kind: user.kind,
    is_admin: user.isAdmin ? 1 : 0,
    enabled: user.enabled ? 1 : 0,
    require_mfa: user.requireMfa ? 1 : 0,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
