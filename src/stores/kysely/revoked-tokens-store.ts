import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { RevokedTokensStore } from '../revoked-tokens.js';
import type { Dialect } from '../store-ports.js';
import { affected, atomic } from './atomic.js';
import { appendRevocationEvents } from './revocation-events-store.js';
import { Precompiled } from './precompiled.js';

const revokedJti = new Precompiled((db, p: { jti: string }) => db.selectFrom('revoked_access_tokens').select('jti').where('jti', '=', p.jti));

/** Whether `jti` is on the deny list. */
export async function isJtiRevoked(db: Kysely<Database>, jti: string): Promise<boolean> {
  return (await revokedJti.first(db, { jti })) !== undefined;
}

/**
 * The deny list of access tokens (by `jti`) revoked before they expired. A row is kept only until the
 * token would have expired anyway; after that, `exp` alone refuses it.
 */
export class KyselyRevokedTokensStore implements RevokedTokensStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Adds a jti (idempotent), with its revocation-feed entry in the same transaction. */
  async add(jti: string, expiresAt: number, at: number): Promise<void> {
    if (expiresAt <= at) return;
    await atomic(this.db, async (trx) => {
      const result = await trx
        .insertInto('revoked_access_tokens')
        .values({ jti, expires_at: expiresAt, revoked_at: at })
        .onConflict((oc) => oc.column('jti').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) {
        await appendRevocationEvents(trx, this.dialect, [{ type: 'jti', value: jti, at, until: expiresAt }]);
      }
    });
  }

  async isRevoked(jti: string): Promise<boolean> {
    return isJtiRevoked(this.db, jti);
  }

  /** Removes entries whose token has expired (bounded batch). */
  async pruneExpired(before: number, limit = 1000): Promise<number> {
    const doomed = this.db
      .selectFrom('revoked_access_tokens')
      .select('jti')
      .where('expires_at', '<', before)
      .limit(limit);
    const result = await this.db.deleteFrom('revoked_access_tokens').where('jti', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}
