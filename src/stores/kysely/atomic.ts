import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs `work` atomically: in a new transaction, or inside the caller's when `db` already is one (a port
 * bound by Store.withTransaction), so an operation that is atomic on its own also composes.
 */
export function atomic<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** Rows an UPDATE or DELETE touched (Kysely reports bigint on some drivers). */
export function affected(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}
