import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from './schema.js';
import type { KeysStore, StoredSigningKey } from '../keys.js';

export class KyselyKeysStore implements KeysStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<StoredSigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    return rows.map(toKey);
  }

  async insert(key: StoredSigningKey): Promise<void> {
    await this.db.insertInto('signing_keys').values(fromKey(key)).execute();
  }

  async retireAllExcept(kid: string, at: number, publishUntil: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ retired_at: at, publish_until: publishUntil })
      .where('kid', '!=', kid)
      .where('retired_at', 'is', null)
      .execute();
  }
}

function toKey(row: Selectable<SigningKeysTable>): StoredSigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: row.public_jwk,
    privateKey: row.private_key,
    encrypted: Number(row.encrypted) === 1,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
    publishUntil: row.publish_until === null ? null : Number(row.publish_until),
  };
}

function fromKey(key: StoredSigningKey): SigningKeysTable {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: key.publicJwk,
    private_key: key.privateKey,
    encrypted: key.encrypted ? 1 : 0,
    created_at: key.createdAt,
    retired_at: key.retiredAt,
    publish_until: key.publishUntil,
  };
}
