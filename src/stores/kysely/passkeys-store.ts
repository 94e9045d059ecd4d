import type { Kysely, Selectable } from 'kysely';
import type { Database, PasskeyChallengesTable, PasskeyCredentialsTable } from './schema.js';
import type { PasskeyChallenge, PasskeyChallengePurpose, PasskeyCredential } from '../../domain/passkey.js';
import type { PasskeysStore } from '../passkeys.js';
import { isStorableText } from '../../domain/text.js';
import { isUniqueViolation } from '../unique-violation.js';
import { affected } from './atomic.js';

export class KyselyPasskeysStore implements PasskeysStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(credential: PasskeyCredential): Promise<boolean> {
    try {
      await this.db
        .insertInto('passkey_credentials')
        .values({
          id: credential.id,
          user_id: credential.userId,
          public_key: credential.publicKey,
          counter: credential.counter,
          transports: JSON.stringify(credential.transports),
          backed_up: credential.backedUp ? 1 : 0,
          name: credential.name,
          created_at: credential.createdAt,
          last_used_at: credential.lastUsedAt,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<PasskeyCredential | undefined> {
    if (!isStorableText(id)) return undefined;
    const row = await this.db.selectFrom('passkey_credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCredential(row) : undefined;
  }

  async listForUser(userId: string): Promise<PasskeyCredential[]> {
    const rows = await this.db
      .selectFrom('passkey_credentials')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toCredential);
  }

  async countForUser(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('passkey_credentials')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    if (!isStorableText(id)) return false;
    const result = await this.db
      .updateTable('passkey_credentials')
      .set({ name })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    if (!isStorableText(id)) return false;
    const result = await this.db.deleteFrom('passkey_credentials').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return affected(result) === 1;
  }

  async recordUse(id: string, seenCounter: number, newCounter: number, now: number): Promise<boolean> {
    if (!isStorableText(id)) return false;
    const result = await this.db
      .updateTable('passkey_credentials')
      .set({ counter: newCounter, last_used_at: now })
      .where('id', '=', id)
      .where('counter', '=', seenCounter)
      .where((eb) => (newCounter === 0 ? eb('counter', '=', 0) : eb('counter', '<', newCounter)))
      .executeTakeFirst();
    return affected(result) === 1;
  }

  async saveChallenge(challenge: PasskeyChallenge): Promise<void> {
    await this.db
      .insertInto('passkey_challenges')
      .values({
        challenge_hash: challenge.challengeHash,
        purpose: challenge.purpose,
        binding: challenge.binding,
        user_id: challenge.userId,
        expires_at: challenge.expiresAt,
      })
      .execute();
  }

  async consumeChallenge(
    challengeHash: string,
    purpose: PasskeyChallengePurpose,
    binding: string,
    now: number,
  ): Promise<PasskeyChallenge | undefined> {
    if (!isStorableText(binding)) return undefined;
    const row = await this.db
      .deleteFrom('passkey_challenges')
      .where('challenge_hash', '=', challengeHash)
      .where('purpose', '=', purpose)
      .where('binding', '=', binding)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ? toChallenge(row) : undefined;
  }

  async pruneChallenges(now: number, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom('passkey_challenges')
      .where('challenge_hash', 'in', (eb) =>
        eb.selectFrom('passkey_challenges').select('challenge_hash').where('expires_at', '<=', now).limit(limit),
      )
      .executeTakeFirst();
    return affected(result);
  }
}

function toCredential(row: Selectable<PasskeyCredentialsTable>): PasskeyCredential {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    backedUp: Number(row.backed_up) === 1,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

function toChallenge(row: Selectable<PasskeyChallengesTable>): PasskeyChallenge {
  return {
    challengeHash: row.challenge_hash,
    purpose: row.purpose as PasskeyChallengePurpose,
    binding: row.binding,
    userId: row.user_id,
    expiresAt: Number(row.expires_at),
  };
}
