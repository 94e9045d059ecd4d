import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { PushedRequest, PushedRequestsStore } from '../pushed-requests.js';
import { isStorableText } from '../../domain/text.js';
import { atomic } from './atomic.js';

/** Pushed authorization requests: single use through one conditional UPDATE … RETURNING. */
export class KyselyPushedRequestsStore implements PushedRequestsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(request: PushedRequest): Promise<void> {
    await this.db
      .insertInto('pushed_authorization_requests')
      .values({
        uri_hash: request.uriHash,
        client_id: request.clientId,
        params: JSON.stringify(request.params),
        created_at: request.createdAt,
        expires_at: request.expiresAt,
        consumed_at: null,
      })
      .execute();
  }

  async consume(uriHash: string, clientId: string, at: number): Promise<PushedRequest | undefined> {
    if (!isStorableText(uriHash) || !isStorableText(clientId)) return undefined;
    const row = await this.db
      .updateTable('pushed_authorization_requests')
      .set({ consumed_at: at })
      .where('uri_hash', '=', uriHash)
      .where('client_id', '=', clientId)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', at)
      .returning(['uri_hash', 'client_id', 'params', 'created_at', 'expires_at'])
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      uriHash: row.uri_hash,
      clientId: row.client_id,
      params: JSON.parse(row.params) as Record<string, string>,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async pruneExpired(before: number, limit = 500): Promise<number> {
    return atomic(this.db, async (trx) => {
      const doomed = await trx
        .selectFrom('pushed_authorization_requests')
        .select('uri_hash')
        .where('expires_at', '<', before)
        .limit(limit)
        .execute();
      if (doomed.length === 0) return 0;
      await trx.deleteFrom('pushed_authorization_requests').where('uri_hash', 'in', doomed.map((r) => r.uri_hash)).execute();
      return doomed.length;
    });
  }
}
