import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { unionScopes } from '../../domain/consent.js';
import type { ConsentsStore } from '../consents.js';
import { affected, atomic } from './atomic.js';
import type { Dialect } from '../store-ports.js';
import { Precompiled } from './precompiled.js';

const consentedScopes = new Precompiled((db, p: { userId: string; clientId: string }) =>
  db.selectFrom('consents').select('scopes').where('user_id', '=', p.userId).where('client_id', '=', p.clientId),
);

/** Remembered consent: per user and app, the union of the scopes the user allowed. */
export class KyselyConsentsStore implements ConsentsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(userId: string, clientId: string): Promise<string[]> {
    const row = await consentedScopes.first(this.db, { userId, clientId });
    return row ? row.scopes.split(' ').filter(Boolean) : [];
  }

  /**
   * Adds scopes to the remembered grant (creating it when missing). Concurrent grants never lose a scope:
   * the row is locked while the union is written (SELECT … FOR UPDATE on PostgreSQL; SQLite runs one
   * writing transaction at a time).
   */
  async grant(userId: string, clientId: string, scopes: readonly string[], now: number): Promise<void> {
    await this.db
      .insertInto('consents')
      .values({ user_id: userId, client_id: clientId, scopes: '', created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
      .execute();
    await atomic(this.db, async (trx) => {
      let read = trx
        .selectFrom('consents')
        .select('scopes')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId);
      if (this.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirstOrThrow();
      const merged = unionScopes(row.scopes.split(' ').filter(Boolean), scopes).join(' ');
      if (merged === row.scopes) return;
      await trx
        .updateTable('consents')
        .set({ scopes: merged, updated_at: now })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .execute();
    });
  }

  /** Forgets a user's grant to an app (or all the user's grants). */
  async revoke(userId: string, clientId?: string): Promise<number> {
    let query = this.db.deleteFrom('consents').where('user_id', '=', userId);
    if (clientId !== undefined) query = query.where('client_id', '=', clientId);
    const result = await query.executeTakeFirst();
    return affected(result);
  }
}
