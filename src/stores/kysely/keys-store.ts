import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from './schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export class KeysStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
  }

  async insert(key: SigningKeysTable): Promise<void> {
    await this.db.insertInto('signing_keys').values(key).execute();
  }

  /** Marks every other still-current key as retired by `kid`, publishing it until `publishUntil`. */
  async retireAllExcept(kid: string, at: number, publishUntil: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ retired_at: at, publish_until: publishUntil })
      .where('kid', '!=', kid)
      .where('retired_at', 'is', null)
      .execute();
  }
}
