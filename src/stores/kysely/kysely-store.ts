import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect, Store, StorePorts } from '../store-ports.js';
import { openDatabase, migrateToLatest, pingDatabase } from './open-database.js';
import { KyselyAppsStore } from './apps-store.js';
import { KyselyUsersStore } from './users-store.js';
import { KyselyCodesStore } from './codes-store.js';
import { KyselyKeysStore } from './keys-store.js';
import { KyselySessionsStore } from './sessions-store.js';
import { KyselyInteractionsStore } from './interactions-store.js';
import { KyselyConsentsStore } from './consents-store.js';
import { KyselyThrottlesStore } from './throttles-store.js';
import { KyselyRefreshFamiliesStore } from './refresh-store.js';
import { KyselyRevokedTokensStore } from './revoked-tokens-store.js';
import { KyselyServerSecretsStore } from './server-secrets-store.js';
import { KyselySecondFactorsStore } from './second-factors-store.js';
import { KyselyPasswordResetsStore } from './password-resets-store.js';
import { KyselyAuditEventsStore } from './audit-events-store.js';

/** Every port over one Kysely handle: the database, or a transaction. */
function portsOver(db: Kysely<Database>, dialect: Dialect): StorePorts {
  return {
    apps: new KyselyAppsStore(db),
    users: new KyselyUsersStore(db),
    codes: new KyselyCodesStore(db),
    keys: new KyselyKeysStore(db),
    sessions: new KyselySessionsStore(db),
    interactions: new KyselyInteractionsStore(db),
    consents: new KyselyConsentsStore(db, dialect),
    throttles: new KyselyThrottlesStore(db, dialect),
    refresh: new KyselyRefreshFamiliesStore(db, dialect),
    revokedTokens: new KyselyRevokedTokensStore(db),
    serverSecrets: new KyselyServerSecretsStore(db),
    secondFactors: new KyselySecondFactorsStore(db),
    passwordResets: new KyselyPasswordResetsStore(db),
    auditEvents: new KyselyAuditEventsStore(db),
  };
}

/** The store over SQLite (`sqlite:<path>`) or PostgreSQL (`postgres://…`). */
export async function openKyselyStore(databaseUrl: string): Promise<Store> {
  const { db, dialect, close } = await openDatabase(databaseUrl);
  return {
    dialect,
    ...portsOver(db, dialect),
    withTransaction: (work) => db.transaction().execute((trx) => work(portsOver(trx, dialect))),
    migrate: () => migrateToLatest(db),
    ping: () => pingDatabase(db),
    close,
  };
}
