import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { AuthorizationCodesTable, Database, UsersTable } from './schema.js';
import type { AuthorizationCodeRecord } from '../../domain/authorization-code.js';
import type { User } from '../../domain/user.js';
import { isStorableText } from '../../domain/text.js';
import { hasSecondFactor, toUser } from './users-store.js';
import type { CodesStore, IssuedFromCode } from '../codes.js';
import { affected } from './atomic.js';
import { columnsOf, Precompiled } from './precompiled.js';

const CODE_COLUMNS: Record<keyof AuthorizationCodesTable, true> = {
  code_hash: true, client_id: true, user_id: true, redirect_uri: true, scope: true, code_challenge: true,
  code_challenge_method: true, nonce: true, sid: true, auth_time: true, amr: true, created_at: true,
  expires_at: true, consumed_at: true, issued_family_id: true, issued_access_jti: true, issued_access_expires_at: true,
};
const insertCode = new Precompiled((db, p: AuthorizationCodesTable) => db.insertInto('authorization_codes').values(columnsOf(p, CODE_COLUMNS)));
const codeByHash = new Precompiled((db, p: { codeHash: string }) =>
  db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', p.codeHash),
);
// every code exchange: the code with its user (as users.getById reads it), in one round trip; the
// user's columns are prefixed (both tables have created_at) and null when the user is gone
const codeWithUser = new Precompiled((db, p: { codeHash: string }) =>
  db
    .selectFrom('authorization_codes')
    .leftJoin('users', 'users.id', 'authorization_codes.user_id')
    .selectAll('authorization_codes')
    .select([
      'users.id as u_id', 'users.login as u_login', 'users.login_key as u_login_key', 'users.display_name as u_display_name',
      'users.email as u_email', 'users.email_verified as u_email_verified', 'users.locale as u_locale', 'users.kind as u_kind',
      'users.is_admin as u_is_admin', 'users.enabled as u_enabled', 'users.require_mfa as u_require_mfa',
      'users.password_hash as u_password_hash', 'users.created_at as u_created_at', 'users.updated_at as u_updated_at',
    ])
    // (the left join makes the users columns nullable in the builder's types; the expression is the same)
    .select((eb) => hasSecondFactor(eb as unknown as ExpressionBuilder<Database, 'users'>, 'users.id').as('u_has_second_factor'))
    .where('authorization_codes.code_hash', '=', p.codeHash),
);
const consumeCode = new Precompiled((db, p: { codeHash: string; at: number; familyId: string | null; accessJti: string | null; accessExpiresAt: number | null }) =>
  db
    .updateTable('authorization_codes')
    .set({ consumed_at: p.at, issued_family_id: p.familyId, issued_access_jti: p.accessJti, issued_access_expires_at: p.accessExpiresAt })
    .where('code_hash', '=', p.codeHash)
    .where('consumed_at', 'is', null),
);

export class KyselyCodesStore implements CodesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(code: AuthorizationCodeRecord): Promise<void> {
    await insertCode.execute(this.db, fromCode(code));
  }

  async get(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const row = await codeByHash.first(this.db, { codeHash });
    return row ? toCode(row) : undefined;
  }

  async getWithUser(codeHash: string): Promise<{ code: AuthorizationCodeRecord; user: User | undefined } | undefined> {
    if (!isStorableText(codeHash)) return undefined;
    const row = await codeWithUser.first(this.db, { codeHash });
    if (!row) return undefined;
    return { code: toCode(row), user: row.u_id === null ? undefined : toUser(prefixedUser(row)) };
  }

  /**
   * Atomic single-use claim that also records what is being issued from the code, in one statement, so
   * a replay that loses the claim always finds what to revoke (RFC 6749 4.1.2).
   */
  async consumeAndRecord(
    codeHash: string,
    at: number,
    issued: IssuedFromCode,
  ): Promise<boolean> {
    const claimed = await consumeCode.affected(this.db, {
      codeHash,
      at,
      familyId: issued.familyId,
      accessJti: issued.accessJti,
      accessExpiresAt: issued.accessExpiresAt,
    });
    return claimed === 1;
  }

  /** Removes codes that expired before `before` (bounded batch). */
  async pruneExpired(before: number, limit = 1000): Promise<number> {
    const doomed = this.db
      .selectFrom('authorization_codes')
      .select('code_hash')
      .where('expires_at', '<', before)
      .limit(limit);
    const result = await this.db.deleteFrom('authorization_codes').where('code_hash', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}

function toCode(row: Selectable<AuthorizationCodesTable>): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scope: row.scope.split(' ').filter(Boolean),
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method === 'S256' ? 'S256' : null,
    nonce: row.nonce,
    sid: row.sid,
    authTime: row.auth_time,
    amr: JSON.parse(row.amr) as string[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    issuedFamilyId: row.issued_family_id,
    issuedAccessJti: row.issued_access_jti,
    issuedAccessExpiresAt: row.issued_access_expires_at,
  };
}

/** The user's columns of a joined row (`u_` + column). */
function prefixedUser(row: Record<string, unknown>): Selectable<UsersTable> & { has_second_factor: unknown } {
  const user: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) if (column.startsWith('u_')) user[column.slice(2)] = value;
  return user as Selectable<UsersTable> & { has_second_factor: unknown };
}

function fromCode(code: AuthorizationCodeRecord): AuthorizationCodesTable {
  return {
    code_hash: code.codeHash,
    client_id: code.clientId,
    user_id: code.userId,
    redirect_uri: code.redirectUri,
    scope: code.scope.join(' '),
    code_challenge: code.codeChallenge,
    code_challenge_method: code.codeChallengeMethod,
    nonce: code.nonce,
    sid: code.sid,
    auth_time: code.authTime,
    amr: JSON.stringify(code.amr),
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    consumed_at: code.consumedAt,
    issued_family_id: code.issuedFamilyId,
    issued_access_jti: code.issuedAccessJti,
    issued_access_expires_at: code.issuedAccessExpiresAt,
  };
}
