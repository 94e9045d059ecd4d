import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from './schema.js';
import type { KeysStore, StoredSigningKey } from '../keys.js';
import { isUniqueViolation } from '../unique-violation.js';
import { affected, atomic } from './atomic.js';

export class KyselyKeysStore implements KeysStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<StoredSigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    return rows.map(toKey);
  }

  async addSuccessor(key: StoredSigningKey, retire?: { at: number; publishUntil: number }): Promise<boolean> {
    try {
      return await atomic(this.db, async (trx) => {
        // the unique index on `supersedes` lets exactly one of several concurrent successors in
        await trx.insertInto('signing_keys').values(fromKey(key)).execute();
        if (retire) {
          await trx
            .updateTable('signing_keys')
            .set({ retired_at: retire.at, publish_until: retire.publishUntil })
            .where('alg', '=', key.alg)
            .where('kid', '!=', key.kid)
            .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retire.at)]))
            .execute();
        }
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async encryptPrivateKey(kid: string, encryptedPrivateKey: string): Promise<boolean> {
    const result = await this.db
      .updateTable('signing_keys')
      .set({ private_key: encryptedPrivateKey, encrypted: 1 })
      .where('kid', '=', kid)
      .where('encrypted', '=', 0)
      .executeTakeFirst();
    return affected(result) === 1;
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
    publishFrom: Number(row.publish_from),
    signFrom: Number(row.sign_from),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
    publishUntil: row.publish_until === null ? null : Number(row.publish_until),
    supersedes: row.supersedes ?? `legacy:${row.kid}`,
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
    publish_from: key.publishFrom,
    sign_from: key.signFrom,
    retired_at: key.retiredAt,
    publish_until: key.publishUntil,
    supersedes: key.supersedes,
  };
}
