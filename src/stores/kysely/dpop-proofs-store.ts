import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DpopProofsStore } from '../dpop-proofs.js';
import { atomic } from './atomic.js';

/** DPoP proof jtis: an insert that does nothing on conflict decides, atomically, which use is first. */
export class KyselyDpopProofsStore implements DpopProofsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(proofHash: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('dpop_proofs')
      .values({ proof_hash: proofHash, expires_at: expiresAt })
      .onConflict((oc) => oc.column('proof_hash').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async pruneExpired(before: number, limit = 500): Promise<number> {
    return atomic(this.db, async (trx) => {
      const doomed = await trx.selectFrom('dpop_proofs').select('proof_hash').where('expires_at', '<', before).limit(limit).execute();
      if (doomed.length === 0) return 0;
      await trx.deleteFrom('dpop_proofs').where('proof_hash', 'in', doomed.map((r) => r.proof_hash)).execute();
      return doomed.length;
    });
  }
}
