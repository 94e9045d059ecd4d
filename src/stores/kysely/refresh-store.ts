import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../store-ports.js';
import type { Database, RefreshFamiliesTable, RefreshTokensTable } from './schema.js';
import type { RefreshFamily, RefreshTokenRecord, RevocationReason } from '../../domain/refresh-family.js';
import type { RefreshFamiliesStore } from '../refresh-families.js';
import { affected, atomic } from './atomic.js';

/**
 * Refresh-token families and their tokens (stored only as SHA-256 hashes). Rotation is an atomic
 * conditional update: of two requests presenting the same token, exactly one wins, on any node.
 */
export class KyselyRefreshFamiliesStore implements RefreshFamiliesStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async insertFamily(family: RefreshFamily, first: RefreshTokenRecord): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.insertInto('refresh_families').values(fromFamily(family)).execute();
      await trx.insertInto('refresh_tokens').values(fromToken(first)).execute();
    });
  }

  /** The token and its family, in one query. */
  async find(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamily } | undefined> {
    const row = await this.db
      .selectFrom('refresh_tokens as t')
      .innerJoin('refresh_families as f', 'f.id', 't.family_id')
      .select([
        't.token_hash', 't.family_id', 't.scope as token_scope', 't.created_at as token_created_at', 't.consumed_at',
        't.access_jti', 't.access_expires_at',
        'f.id', 'f.client_id', 'f.user_id', 'f.scope', 'f.sid', 'f.auth_time', 'f.amr', 'f.nonce', 'f.created_at',
        'f.expires_at', 'f.revoked_at', 'f.revoked_reason',
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      token: toToken({
        token_hash: row.token_hash,
        family_id: row.family_id,
        scope: row.token_scope,
        created_at: row.token_created_at,
        consumed_at: row.consumed_at,
        access_jti: row.access_jti,
        access_expires_at: row.access_expires_at,
      }),
      family: toFamily(row),
    };
  }

  /**
   * Rotation: claims the presented token (only while unconsumed and its family, `next.familyId`, is not
   * revoked) and inserts its successor, in one transaction; false when another request won the claim.
   */
  async rotate(presentedHash: string, next: RefreshTokenRecord, at: number): Promise<boolean> {
    if (this.dialect === 'postgres') {
      // one statement, one round trip (BEGIN, UPDATE, INSERT, COMMIT were four): the successor is
      // inserted only from the row the conditional UPDATE claimed. A concurrent rotation of the same
      // token waits for the row lock and then finds it consumed, so it claims and inserts nothing.
      const row = fromToken(next);
      const result = await sql`
        with claimed as (
          update refresh_tokens set consumed_at = ${at}
          where token_hash = ${presentedHash} and consumed_at is null
            and family_id in (select id from refresh_families where id = ${next.familyId} and revoked_at is null)
          returning family_id
        )
        insert into refresh_tokens (token_hash, family_id, scope, created_at, consumed_at, access_jti, access_expires_at)
        select ${row.token_hash}::varchar, ${row.family_id}::varchar, ${row.scope}::text, ${row.created_at}::bigint,
          ${row.consumed_at}::bigint, ${row.access_jti}::varchar, ${row.access_expires_at}::bigint
        from claimed`.execute(this.db);
      return Number(result.numAffectedRows ?? 0n) === 1;
    }
    return atomic(this.db, async (trx) => {
      const live = trx
        .selectFrom('refresh_families')
        .select('id')
        .where('id', '=', next.familyId)
        .where('revoked_at', 'is', null);
      const claimed = await trx
        .updateTable('refresh_tokens')
        .set({ consumed_at: at })
        .where('token_hash', '=', presentedHash)
        .where('consumed_at', 'is', null)
        .where('family_id', 'in', live)
        .executeTakeFirst();
      if (affected(claimed) !== 1) return false;
      await trx.insertInto('refresh_tokens').values(fromToken(next)).execute();
      return true;
    });
  }

  /**
   * Revokes a family: no token of it refreshes again, and every access token issued in it that has not
   * expired goes onto the deny list. Idempotent and atomic.
   */
  async revokeFamily(familyId: string, at: number, reason: RevocationReason): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx
        .updateTable('refresh_families')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
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
    });
  }

  /** Removes families that expired before `before`, with their tokens (bounded batch). */
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

function toFamily(row: Selectable<RefreshFamiliesTable>): RefreshFamily {
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
  };
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
  };
}
