import type { ExpressionBuilder, Kysely, ReferenceExpression, Selectable } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import { loginKey, type User } from '../../domain/user.js';
import type { EndAccess, UsersStore, UserUnlessRevoked } from '../users.js';
import { isStorableText } from '../../domain/text.js';
import type { Dialect } from '../store-ports.js';
import { affected, atomic } from './atomic.js';
import { appendRevocationEvents, untilForIssuedBefore } from './revocation-events-store.js';
import { revokeUserReferenceTokens } from './reference-tokens-store.js';
import { Precompiled } from './precompiled.js';
import { isJtiRevoked } from './revoked-tokens-store.js';

/** Users with whether they have a second factor to sign in with (derived in the same query). */
function selectUsers(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .selectAll('users')
    .select((eb) => hasSecondFactor(eb, 'users.id').as('has_second_factor'));
}

// every token request and authorization reads its user
const userById = new Precompiled((db, p: { id: string }) => selectUsers(db).where('id', '=', p.id));

// every userinfo call: the user and the deny-list check in one round trip. The one-row derived table
// answers `revoked` also when the user does not exist (the user's columns are then null).
const userByIdUnlessRevoked = new Precompiled((db, p: { id: string; jti: string }) =>
  db
    .selectFrom(db.selectNoFrom((eb) => eb.lit(1).as('one')).as('one'))
    .leftJoin('users', (join) => join.on('users.id', '=', p.id))
    .selectAll('users')
    .select((eb) => [
      // (the left join makes the users columns nullable in the builder's types; the expression is the same)
      hasSecondFactor(eb as unknown as ExpressionBuilder<Database, 'users'>, 'users.id').as('has_second_factor'),
      eb.exists(eb.selectFrom('revoked_access_tokens').select('revoked_access_tokens.jti').where('revoked_access_tokens.jti', '=', p.jti)).as('revoked'),
    ]),
);

export class KyselyUsersStore implements UsersStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  private selectUsers() {
    return selectUsers(this.db);
  }

  async getById(id: string): Promise<User | undefined> {
    if (!isStorableText(id)) return undefined;
    const row = await userById.first(this.db, { id });
    return row ? toUser(row) : undefined;
  }

  async getByIdUnlessRevoked(id: string, jti: string): Promise<UserUnlessRevoked> {
    // an identifier PostgreSQL cannot hold is no user and on no deny list (nothing stores it)
    if (!isStorableText(jti)) return { user: await this.getById(id), revoked: false };
    if (!isStorableText(id)) return { user: undefined, revoked: await isJtiRevoked(this.db, jti) };
    const row = await userByIdUnlessRevoked.first(this.db, { id, jti });
    if (!row) throw new Error('the user and deny-list read returned no row');
    return {
      user: row.id === null ? undefined : toUser(row as Selectable<UsersTable> & { has_second_factor: unknown }),
      revoked: Boolean(Number(row.revoked)),
    };
  }

  async getByLogin(login: string): Promise<User | undefined> {
    if (!isStorableText(login)) return undefined;
    const row = await this.selectUsers().where('login_key', '=', loginKey(login)).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<User[]> {
    const rows = await this.selectUsers().orderBy('login_key').execute();
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
      if (options.endAccess) await endAccess(trx, this.dialect, id, options.endAccess);
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
      if (options.endAccess) await endAccess(trx, this.dialect, userId, options.endAccess);
      return true;
    });
  }
}

/**
 * Ends the user's sessions (all but `keepSession`) and revokes their live refresh-token families, putting
 * the unexpired access tokens issued in them on the deny list (as a family revocation does), inside `trx`.
 */
async function endAccess(trx: Kysely<Database>, dialect: Dialect, userId: string, end: EndAccess): Promise<void> {
  let sessions = trx.updateTable('sessions').set({ ended_at: end.at }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (end.keepSession !== undefined) sessions = sessions.where('id_hash', '!=', end.keepSession);
  await sessions.execute();
  await trx
    .insertInto('revoked_access_tokens')
    .columns(['jti', 'expires_at', 'revoked_at'])
    .expression((eb) =>
      eb
        .selectFrom('refresh_tokens as t')
        .innerJoin('refresh_families as f', 'f.id', 't.family_id')
        .select((s) => ['t.access_jti as jti', 't.access_expires_at as expires_at', s.cast<number>(s.val(end.at), 'bigint').as('revoked_at')])
        .where('f.user_id', '=', userId)
        .where('f.revoked_at', 'is', null)
        .where('t.access_jti', 'is not', null)
        .where('t.access_expires_at', '>', end.at),
    )
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
  await trx
    .updateTable('refresh_families')
    .set({ revoked_at: end.at, revoked_reason: end.reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  // long-lived reference tokens end too (the user makes new ones)
  const references = await revokeUserReferenceTokens(trx, userId, end.at);
  // the APIs refuse every token of the user issued before now (the kept session's included)
  const sub = { type: 'sub' as const, value: userId, at: end.at, until: await untilForIssuedBefore(trx, end.at) };
  await appendRevocationEvents(trx, dialect, [...references, sub]);
}

/**
 * Whether the user `userId` names (a column reference of the query) has a second factor to sign in with:
 * a confirmed TOTP credential or a passkey.
 */
export function hasSecondFactor<DB extends Database, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, userId: ReferenceExpression<DB, TB>) {
  const inner = eb as unknown as ExpressionBuilder<Database, keyof Database>;
  const user = userId as unknown as ReferenceExpression<Database, keyof Database>;
  return inner.or([
    inner.exists(
      inner
        .selectFrom('totp_credentials')
        .select('totp_credentials.id')
        .whereRef('totp_credentials.user_id', '=', user)
        .where('totp_credentials.confirmed_at', 'is not', null),
    ),
    inner.exists(inner.selectFrom('passkey_credentials').select('passkey_credentials.id').whereRef('passkey_credentials.user_id', '=', user)),
  ]);
}

export function toUser(row: Selectable<UsersTable> & { has_second_factor: unknown }): User {
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
    hasSecondFactor: Boolean(Number(row.has_second_factor)),
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
