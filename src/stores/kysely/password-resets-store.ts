import type { Kysely, Selectable } from 'kysely';
import type { Database, PasswordResetsTable } from './schema.js';
import type { PasswordReset } from '../../domain/password-reset.js';
import type { PasswordResetsStore } from '../password-resets.js';
import { affected, atomic } from './atomic.js';

/** One-time password-reset tokens (SHA-256 only); single use is a conditional UPDATE. */
export class KyselyPasswordResetsStore implements PasswordResetsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async issue(reset: PasswordReset): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.deleteFrom('password_resets').where('user_id', '=', reset.userId).execute();
      await trx.insertInto('password_resets').values(fromReset(reset)).execute();
    });
  }

  async findUsable(tokenHash: string, now: number): Promise<PasswordReset | undefined> {
    const row = await this.db
      .selectFrom('password_resets')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? toReset(row) : undefined;
  }

  async consume(tokenHash: string, now: number): Promise<string | undefined> {
    const row = await this.db
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  }

  async pruneExpired(before: number, limit = 500): Promise<number> {
    const doomed = this.db.selectFrom('password_resets').select('token_hash').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('password_resets').where('token_hash', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}

function toReset(row: Selectable<PasswordResetsTable>): PasswordReset {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

function fromReset(reset: PasswordReset): PasswordResetsTable {
  return {
    token_hash: reset.tokenHash,
    user_id: reset.userId,
    created_at: reset.createdAt,
    expires_at: reset.expiresAt,
    used_at: reset.usedAt,
  };
}
