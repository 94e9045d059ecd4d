import type { Kysely } from 'kysely';
import type { Database } from './kysely/schema.js';
import { openDatabase, migrateToLatest, pingDatabase, type Dialect } from './kysely/open-database.js';
import { AppsStore } from './kysely/apps-store.js';
import { UsersStore } from './kysely/users-store.js';
import { CodesStore } from './kysely/codes-store.js';
import { KeysStore } from './kysely/keys-store.js';
import { SessionsStore } from './kysely/sessions-store.js';
import { InteractionsStore } from './kysely/interactions-store.js';
import { ConsentsStore } from './kysely/consents-store.js';
import { ThrottlesStore } from './kysely/throttles-store.js';
import { RefreshStore } from './kysely/refresh-store.js';
import { RevokedTokensStore } from './kysely/revoked-tokens-store.js';

/**
 * Every persistent concern, over one database. Nodes keep no state another node needs:
 * everything lives here (SQLite for one node, PostgreSQL for many).
 */
export interface Store {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  readonly apps: AppsStore;
  readonly users: UsersStore;
  readonly codes: CodesStore;
  readonly keys: KeysStore;
  readonly sessions: SessionsStore;
  readonly interactions: InteractionsStore;
  readonly consents: ConsentsStore;
  readonly throttles: ThrottlesStore;
  readonly refresh: RefreshStore;
  readonly revokedTokens: RevokedTokensStore;
  migrate(): Promise<string[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const { db, dialect, close } = await openDatabase(databaseUrl);
  return {
    dialect,
    db,
    apps: new AppsStore(db),
    users: new UsersStore(db),
    codes: new CodesStore(db),
    keys: new KeysStore(db),
    sessions: new SessionsStore(db),
    interactions: new InteractionsStore(db),
    consents: new ConsentsStore(db),
    throttles: new ThrottlesStore(db),
    refresh: new RefreshStore(db),
    revokedTokens: new RevokedTokensStore(db),
    migrate: () => migrateToLatest(db),
    ping: () => pingDatabase(db),
    close,
  };
}
