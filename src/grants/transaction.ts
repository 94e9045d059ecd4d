import type { Kysely } from 'kysely';
import type { AppContext } from '../http/context.js';
import type { Database } from '../stores/kysely/schema.js';
import { CodesStore } from '../stores/kysely/codes-store.js';
import { RefreshStore } from '../stores/kysely/refresh-store.js';
import { RevokedTokensStore } from '../stores/kysely/revoked-tokens-store.js';

/** The stores a token issuance writes, bound to one transaction. */
export interface TokenStores {
  codes: CodesStore;
  refresh: RefreshStore;
  revokedTokens: RevokedTokensStore;
}

/** Runs `work` in one store transaction (commit on return, rollback on throw). */
export function inTokenTransaction<T>(ctx: AppContext, work: (stores: TokenStores) => Promise<T>): Promise<T> {
  return ctx.store.db.transaction().execute((trx: Kysely<Database>) =>
    work({ codes: new CodesStore(trx), refresh: new RefreshStore(trx), revokedTokens: new RevokedTokensStore(trx) }),
  );
}
