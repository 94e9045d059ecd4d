import type { Kysely, Selectable } from 'kysely';
import type { Database, ReferenceTokensTable } from './schema.js';
import type { Dialect } from '../store-ports.js';
import type { ReferenceToken } from '../../domain/reference-token.js';
import type { ReferenceTokensStore } from '../reference-tokens.js';
import { isStorableText } from '../../domain/text.js';
import { affected, atomic } from './atomic.js';
import { appendRevocationEvents } from './revocation-events-store.js';

export class KyselyReferenceTokensStore implements ReferenceTokensStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insert(token: ReferenceToken): Promise<void> {
    await this.db.insertInto('reference_tokens').values(fromToken(token)).execute();
  }

  async findByHash(tokenHash: string): Promise<ReferenceToken | undefined> {
    if (!isStorableText(tokenHash)) return undefined;
    const row = await this.db.selectFrom('reference_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async get(id: string): Promise<ReferenceToken | undefined> {
    if (!isStorableText(id)) return undefined;
    const row = await this.db.selectFrom('reference_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async list(filter: { userId?: string; clientId?: string } = {}): Promise<ReferenceToken[]> {
    if (![filter.userId ?? '', filter.clientId ?? ''].every(isStorableText)) return [];
    let query = this.db.selectFrom('reference_tokens').selectAll();
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toToken);
  }

  async revoke(id: string, at: number, options: { userId?: string } = {}): Promise<boolean> {
    if (!isStorableText(id) || !isStorableText(options.userId ?? '')) return false;
    return atomic(this.db, async (trx) => {
      let update = trx.updateTable('reference_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null);
      if (options.userId !== undefined) update = update.where('user_id', '=', options.userId);
      const revoked = await update.returning('expires_at').executeTakeFirst();
      if (!revoked) return false;
      if (Number(revoked.expires_at) > at) {
        await appendRevocationEvents(trx, this.dialect, [{ type: 'jti', value: id, at, until: Number(revoked.expires_at) }]);
      }
      return true;
    });
  }
}

/** Revokes a user's active reference tokens inside `trx` (their access ended); the feed entries for them. */
export async function revokeUserReferenceTokens(trx: Kysely<Database>, userId: string, at: number) {
  const revoked = await trx
    .updateTable('reference_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['id', 'expires_at'])
    .execute();
  return revoked.map((row) => ({ type: 'jti' as const, value: row.id, at, until: Number(row.expires_at) }));
}

function toToken(row: Selectable<ReferenceTokensTable>): ReferenceToken {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    userId: row.user_id,
    clientId: row.client_id,
    scope: row.scope.split(' ').filter(Boolean),
    description: row.description,
    createdBy: row.created_by === 'user' ? 'user' : 'admin',
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function fromToken(token: ReferenceToken): ReferenceTokensTable {
  return {
    id: token.id,
    token_hash: token.tokenHash,
    user_id: token.userId,
    client_id: token.clientId,
    scope: token.scope.join(' '),
    description: token.description,
    created_by: token.createdBy,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    revoked_at: token.revokedAt,
  };
}
