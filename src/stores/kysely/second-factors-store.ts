import type { Kysely, Selectable } from 'kysely';
import type { Database, TotpCredentialsTable } from './schema.js';
import type { TotpCredential } from '../../domain/second-factor.js';
import type { SecondFactorsStore } from '../second-factors.js';
import { affected, atomic } from './atomic.js';

export class KyselySecondFactorsStore implements SecondFactorsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async confirmedTotp(userId: string): Promise<TotpCredential | undefined> {
    const row = await this.db
      .selectFrom('totp_credentials')
      .selectAll()
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst();
    return row ? toCredential(row) : undefined;
  }

  async pendingTotp(userId: string, id: string): Promise<TotpCredential | undefined> {
    const row = await this.db
      .selectFrom('totp_credentials')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return row ? toCredential(row) : undefined;
  }

  async addPendingTotp(credential: TotpCredential): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.deleteFrom('totp_credentials').where('user_id', '=', credential.userId).where('confirmed_at', 'is', null).execute();
      await trx
        .insertInto('totp_credentials')
        .values({
          id: credential.id,
          user_id: credential.userId,
          secret: credential.secret,
          created_at: credential.createdAt,
          confirmed_at: null,
          last_used_step: null,
        })
        .execute();
    });
  }

  async confirmTotp(userId: string, id: string, step: number, now: number): Promise<boolean> {
    return atomic(this.db, async (trx) => {
      const confirmed = await trx
        .updateTable('totp_credentials')
        .set({ confirmed_at: now, last_used_step: step })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      if (affected(confirmed) !== 1) return false;
      await trx.deleteFrom('totp_credentials').where('user_id', '=', userId).where('id', '!=', id).execute();
      return true;
    });
  }

  async useTotpStep(id: string, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable('totp_credentials')
      .set({ last_used_step: step })
      .where('id', '=', id)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst();
    return affected(result) === 1;
  }

  async removeTotp(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('totp_credentials').where('user_id', '=', userId).executeTakeFirst();
    return affected(result);
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: number): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (codeHashes.length === 0) return;
      await trx
        .insertInto('recovery_codes')
        .values(codeHashes.map((code_hash) => ({ code_hash, user_id: userId, created_at: now, used_at: null })))
        .execute();
    });
  }

  async useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('left'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.left);
  }

  async removeAll(userId: string): Promise<number> {
    return atomic(this.db, async (trx) => {
      const totp = await trx.deleteFrom('totp_credentials').where('user_id', '=', userId).executeTakeFirst();
      const codes = await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).executeTakeFirst();
      const passkeys = await trx.deleteFrom('passkey_credentials').where('user_id', '=', userId).executeTakeFirst();
      return affected(totp) + affected(codes) + affected(passkeys);
    });
  }
}

function toCredential(row: Selectable<TotpCredentialsTable>): TotpCredential {
  return {
    id: row.id,
    userId: row.user_id,
    secret: row.secret,
    createdAt: Number(row.created_at),
    confirmedAt: row.confirmed_at === null ? null : Number(row.confirmed_at),
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
  };
}
