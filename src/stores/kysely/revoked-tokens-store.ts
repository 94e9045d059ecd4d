import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { RevokedTokensStore } from '../revoked-tokens.js';
import { affected } from './atomic.js';

/**
 * The deny list of access tokens (by `jti`) revoked before they expired. A row is kept only until the
 * token would have expired anyway; after that, `exp` alone refuses it.
 */
export class KyselyRevokedTokensStore implements RevokedTokensStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds a jti (idempotent). */
  async add(jti: string, expiresAt: number, at: number): Promise<void> {
    if (expiresAt <= at) return;
    await this.db
      .insertInto('revoked_access_tokens')
      .values({ jti, expires_at: expiresAt, revoked_at: at })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isRevoked(jti: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('revoked_access_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .executeTakeFirst();
    return row !== undefined;
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
