import type { Store } from './store-ports.js';
import type { StatementObserver } from './statement-observer.js';
import { openKyselyStore } from './kysely/kysely-store.js';

export type { Store, StorePorts, Dialect } from './store-ports.js';

/** Opens the store named by a DATABASE_URL (sqlite:<path> or postgres://...); `observer` times its statements. */
export function openStore(databaseUrl: string, observer?: StatementObserver): Promise<Store> {
  return openKyselyStore(databaseUrl, observer);
}
