import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ClientAssertionsStore } from '../client-assertions.js';
import { createHash } from 'node:crypto';
import { affected } from './atomic.js';

/**
 * Used client-assertion `jti`s, keyed by a hash of the app and the jti (fixed length, so any text a
 * client sends is stored the same way on both databases). One statement decides: insert, or take over
 * a row whose assertion has expired; a live row makes the statement change nothing.
 */
export class KyselyClientAssertionsStore implements ClientAssertionsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async useJti(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('client_assertion_jtis')
      .values({ jti_hash: createHash('sha256').update(JSON.stringify([clientId, jti]), 'utf8').digest('base64url'), expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('jti_hash')
          .doUpdateSet({ expires_at: sql<number>`${sql.ref('excluded.expires_at')}` })
          .where('client_assertion_jtis.expires_at', '<=', now),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async pruneExpired(before: number, limit = 1000): Promise<number> {
    const doomed = this.db
      .selectFrom('client_assertion_jtis')
      .select('jti_hash')
      .where('expires_at', '<', before)
      .limit(limit);
    const result = await this.db.deleteFrom('client_assertion_jtis').where('jti_hash', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}
