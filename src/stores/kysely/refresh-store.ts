import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, RefreshFamiliesTable, RefreshTokensTable } from './schema.js';
import type { RefreshFamily, RefreshTokenRecord, RevocationReason } from '../../domain/refresh-family.js';
import type { RefreshFamiliesStore, RefreshOutcome } from '../refresh-families.js';
import type { User } from '../../domain/user.js';
import { hasSecondFactor, toUser } from './users-store.js';
import { isStorableText } from '../../domain/text.js';
import type { RevocationEvent } from '../../domain/revocation-event.js';
import type { Dialect } from '../store-ports.js';
import { affected, atomic } from './atomic.js';
import { appendRevocationEvents } from './revocation-events-store.js';
import { columnsOf, Precompiled } from './precompiled.js';

function selectTokens(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('refresh_tokens as t')
    .innerJoin('refresh_families as f', 'f.id', 't.family_id')
    .select([
      't.token_hash', 't.family_id', 't.scope as token_scope', 't.created_at as token_created_at', 't.consumed_at',
      't.access_jti', 't.access_expires_at', 't.grace_until',
      'f.id', 'f.client_id', 'f.user_id', 'f.scope', 'f.sid', 'f.auth_time', 'f.amr', 'f.nonce', 'f.created_at',
      'f.expires_at', 'f.revoked_at', 'f.revoked_reason', 'f.dpop_jkt',
    ])
    .where('t.token_hash', '=', tokenHash);
}

// the statements of every refresh, compiled once (precompiled.ts)
const tokenWithFamily = new Precompiled((db, p: { tokenHash: string }) => selectTokens(db, p.tokenHash));
const tokenWithFamilyAndUser = new Precompiled((db, p: { tokenHash: string }) =>
  selectTokens(db, p.tokenHash)
    .leftJoin('users as u', 'u.id', 'f.user_id')
    .select((eb) => [
      'u.id as user_id_found', 'u.login as user_login', 'u.login_key as user_login_key', 'u.display_name as user_display_name',
      'u.email as user_email', 'u.email_verified as user_email_verified', 'u.locale as user_locale', 'u.kind as user_kind',
      'u.is_admin as user_is_admin', 'u.enabled as user_enabled', 'u.require_mfa as user_require_mfa',
      'u.password_hash as user_password_hash', 'u.created_at as user_created_at', 'u.updated_at as user_updated_at',
      hasSecondFactor(eb, 'u.id').as('user_has_second_factor'),
    ]),
);
/** SQLite: the family is live (BEGIN IMMEDIATE already holds the database's write lock: no row lock to take) */
const liveFamily = new Precompiled((db, p: { familyId: string }) =>
  db.selectFrom('refresh_families').select('id').where('id', '=', p.familyId).where('revoked_at', 'is', null),
);
const claimToken = new Precompiled((db, p: { presentedHash: string; familyId: string; at: number; graceUntil: number | null }) =>
  db
    .updateTable('refresh_tokens')
    .set({ consumed_at: p.at, grace_until: p.graceUntil })
    .where('token_hash', '=', p.presentedHash)
    .where('family_id', '=', p.familyId)
    .where('consumed_at', 'is', null),
);
const retireSiblings = new Precompiled((db, p: { familyId: string; at: number }) =>
  db.updateTable('refresh_tokens').set({ consumed_at: p.at }).where('family_id', '=', p.familyId).where('consumed_at', 'is', null),
);
const closeEarlierWindows = new Precompiled((db, p: { familyId: string; presentedHash: string }) =>
  db
    .updateTable('refresh_tokens')
    .set({ grace_until: null })
    .where('family_id', '=', p.familyId)
    .where('token_hash', '!=', p.presentedHash)
    .where('grace_until', 'is not', null),
);
const openWindow = new Precompiled((db, p: { presentedHash: string; familyId: string; at: number }) =>
  db
    .selectFrom('refresh_tokens')
    .select('token_hash')
    .where('token_hash', '=', p.presentedHash)
    .where('family_id', '=', p.familyId)
    .where('consumed_at', 'is not', null)
    .where('grace_until', '>', p.at),
);
const TOKEN_COLUMNS: Record<keyof RefreshTokensTable, true> = {
  token_hash: true, family_id: true, scope: true, created_at: true, consumed_at: true, access_jti: true, access_expires_at: true, grace_until: true,
};
const insertToken = new Precompiled((db, p: RefreshTokensTable) => db.insertInto('refresh_tokens').values(columnsOf(p, TOKEN_COLUMNS)));

/**
 * Refresh-token families and their tokens (stored only as SHA-256 hashes). Rotation is an atomic
 * conditional update: of two requests presenting the same token, exactly one wins, on any node.
 */
export class KyselyRefreshFamiliesStore implements RefreshFamiliesStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.insertInto('refresh_families').values(fromFamily(family)).execute();
      await trx.insertInto('refresh_tokens').values(fromToken(first)).execute();
    });
  }

  /** The token and its family, in one query. */
  async find(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily } | undefined> {
    const row = await tokenWithFamily.first(this.db, { tokenHash });
    return row ? { token: tokenOf(row), family: toFamily(row) } : undefined;
  }

  /** The token, its family and the family's user (with whether it has a second factor), in one query. */
  async findWithUser(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily; user: User | undefined } | undefined> {
    const row = await tokenWithFamilyAndUser.first(this.db, { tokenHash });
    if (!row) return undefined;
    const user = row.user_id_found === null
      ? undefined
      : toUser({
          id: row.user_id_found,
          login: row.user_login!,
          login_key: row.user_login_key!,
          display_name: row.user_display_name!,
          email: row.user_email,
          email_verified: row.user_email_verified!,
          locale: row.user_locale,
          kind: row.user_kind!,
          is_admin: row.user_is_admin!,
          enabled: row.user_enabled!,
          require_mfa: row.user_require_mfa!,
          password_hash: row.user_password_hash!,
          created_at: row.user_created_at!,
          updated_at: row.user_updated_at!,
          has_second_factor: row.user_has_second_factor,
        });
    return { token: tokenOf(row), family: toFamily(row), user };
  }

  /**
   * Rotation: claims the presented token (only while unconsumed and its family, `next.familyId`, is not
   * revoked), retires the family's other live tokens, closes earlier grace windows and inserts the
   * successor, atomically; false when another request won the claim.
   */
  async rotate(presentedHash: string, next: RefreshTokenRecord, at: number, graceUntil: number | null = null): Promise<boolean> {
    return (await this.advance(presentedHash, next, at, graceUntil, { rotate: true, reissue: false })) === 'rotated';
  }

  async reissueWithinGrace(presentedHash: string, next: RefreshTokenRecord, at: number): Promise<boolean> {
    return (await this.advance(presentedHash, next, at, null, { rotate: false, reissue: true })) === 'reissued';
  }

  async rotateOrReissue(presentedHash: string, next: RefreshTokenRecord, at: number, graceUntil: number | null = null): Promise<RefreshOutcome> {
    return this.advance(presentedHash, next, at, graceUntil, { rotate: true, reissue: true });
  }

  /**
   * The rotation and the grace re-issue, one family at a time. On PostgreSQL it is one call of the
   * function `refresh_advance` (migration 014: one round trip), which updates the family row first: its
   * row lock makes a family's rotations, re-issues and revocation run one at a time, and every statement
   * after it (a fresh snapshot each) sees what the one before committed. On SQLite the same statements run
   * in a transaction, which BEGIN IMMEDIATE starts by taking the database's write lock (every process on
   * the file waits for it), so a read of the family suffices there: no row to write, one page fewer per
   * commit.
   */
  private async advance(
    presentedHash: string,
    next: RefreshTokenRecord,
    at: number,
    graceUntil: number | null,
    steps: { rotate: boolean; reissue: boolean },
  ): Promise<RefreshOutcome> {
    if (this.dialect === 'postgres') {
      const { rows } = await sql<{ outcome: RefreshOutcome }>`select refresh_advance(
        ${presentedHash}, ${next.familyId}, ${at}, ${graceUntil}, ${steps.rotate}, ${steps.reissue}, ${next.tokenHash},
        ${next.scope.join(' ')}, ${next.createdAt}, ${next.consumedAt}, ${next.accessJti}, ${next.accessExpiresAt}, ${next.graceUntil}
      ) as outcome`.execute(this.db);
      return rows[0]!.outcome;
    }
    return atomic(this.db, async (trx) => {
      if (!(await liveFamily.first(trx, { familyId: next.familyId }))) return 'lost';
      const familyId = next.familyId;
      if (steps.rotate && (await claimToken.affected(trx, { presentedHash, familyId, at, graceUntil })) === 1) {
        // siblings issued within a grace window: the chain goes on from the presented one only
        await retireSiblings.execute(trx, { familyId, at });
        // the presented token's own window is the only open one: older tokens are reuses from now on
        await closeEarlierWindows.execute(trx, { familyId, presentedHash });
        await insertToken.execute(trx, fromToken(next));
        return 'rotated';
      }
      // read within the transaction: no rotation of this family can commit in between
      if (steps.reissue && (await openWindow.first(trx, { presentedHash, familyId, at }))) {
        await insertToken.execute(trx, fromToken(next));
        return 'reissued';
      }
      return 'lost';
    });
  }

  /**
   * Revokes a family: no token of it refreshes again, and every access token issued in it that has not
   * expired goes onto the deny list. Idempotent and atomic.
   */
  async revokeFamily(familyId: string, at: number, reason: RevocationReason): Promise<void> {
    await atomic(this.db, async (trx) => {
      const revoked = await trx
        .updateTable('refresh_families')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await trx
        .insertInto('revoked_access_tokens')
        .columns(['jti', 'expires_at', 'revoked_at'])
        .expression((eb) =>
          eb
            .selectFrom('refresh_tokens')
            .select((s) => ['access_jti as jti', 'access_expires_at as expires_at', s.cast<number>(s.val(at), 'bigint').as('revoked_at')])
            .where('family_id', '=', familyId)
            .where('access_jti', 'is not', null)
            .where('access_expires_at', '>', at),
        )
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute();
      if (affected(revoked) === 1) await appendRevocationEvents(trx, this.dialect, await familyAccessTokens(trx, [familyId], at));
    });
  }

  /** Removes families that expired before `before`, with their tokens (bounded batch). */
  async getFamily(familyId: string): Promise<RefreshFamily | undefined> {
    if (!isStorableText(familyId)) return undefined;
    const row = await this.db.selectFrom('refresh_families').selectAll().where('id', '=', familyId).executeTakeFirst();
    return row ? toFamily(row) : undefined;
  }

  async listLive(owner: { userId: string } | { clientId: string }, now: number, limit = 100): Promise<RefreshFamily[]> {
    const [column, value] = 'userId' in owner ? (['user_id', owner.userId] as const) : (['client_id', owner.clientId] as const);
    if (!isStorableText(value)) return [];
    const rows = await this.db
      .selectFrom('refresh_families')
      .selectAll()
      .where(column, '=', value)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toFamily);
  }

  async pruneExpired(before: number, limit = 500): Promise<number> {
    return atomic(this.db, async (trx) => {
      const doomed = await trx
        .selectFrom('refresh_families')
        .select('id')
        .where('expires_at', '<', before)
        .limit(limit)
        .execute();
      if (doomed.length === 0) return 0;
      const ids = doomed.map((row) => row.id);
      await trx.deleteFrom('refresh_tokens').where('family_id', 'in', ids).execute();
      await trx.deleteFrom('refresh_families').where('id', 'in', ids).execute();
      return ids.length;
    });
  }
}

function toFamily(row: Omit<Selectable<RefreshFamiliesTable>, 'rotated_at'>): RefreshFamily {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope.split(' ').filter(Boolean),
    sid: row.sid,
    authTime: row.auth_time,
    amr: JSON.parse(row.amr) as string[],
    nonce: row.nonce,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    dpopJkt: row.dpop_jkt,
  };
}

function fromFamily(family: RefreshFamily): RefreshFamiliesTable {
  return {
    id: family.id,
    client_id: family.clientId,
    user_id: family.userId,
    scope: family.scope.join(' '),
    sid: family.sid,
    auth_time: family.authTime,
    amr: JSON.stringify(family.amr),
    nonce: family.nonce,
    created_at: family.createdAt,
    expires_at: family.expiresAt,
    revoked_at: family.revokedAt,
    revoked_reason: family.revokedReason,
    rotated_at: null,
    dpop_jkt: family.dpopJkt,
  };
}

/** The token of a row of `selectTokens` (its scope and created_at are aliased: the family has its own). */
function tokenOf(row: Omit<Selectable<RefreshTokensTable>, 'scope' | 'created_at'> & { token_scope: string; token_created_at: number }): RefreshTokenRecord {
  return toToken({ ...row, scope: row.token_scope, created_at: row.token_created_at });
}

function toToken(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    familyId: row.family_id,
    scope: row.scope.split(' ').filter(Boolean),
    createdAt: row.created_at,
    consumedAt: row.consumed_at,
    accessJti: row.access_jti,
    accessExpiresAt: row.access_expires_at,
    graceUntil: row.grace_until,
  };
}

function fromToken(token: RefreshTokenRecord): RefreshTokensTable {
  return {
    token_hash: token.tokenHash,
    family_id: token.familyId,
    scope: token.scope.join(' '),
    created_at: token.createdAt,
    consumed_at: token.consumedAt,
    access_jti: token.accessJti,
    access_expires_at: token.accessExpiresAt,
    grace_until: token.graceUntil,
  };
}

/** The revocation-feed entries of a revoked family: the id of each unexpired access token issued in it. */
export async function familyAccessTokens(trx: Kysely<Database>, familyIds: readonly string[], at: number): Promise<RevocationEvent[]> {
  if (familyIds.length === 0) return [];
  const rows = await trx
    .selectFrom('refresh_tokens')
    .select(['access_jti', 'access_expires_at'])
    .where('family_id', 'in', familyIds)
    .where('access_jti', 'is not', null)
    .where('access_expires_at', '>', at)
    .execute();
  return rows.map((row) => ({ type: 'jti' as const, value: row.access_jti!, at, until: Number(row.access_expires_at) }));
}
