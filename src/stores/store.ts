import type { Store } from './store-ports.js';
import { openKyselyStore } from './kysely/kysely-store.js';

export type { Store, StorePorts, Dialect } from './store-ports.js';

/** Opens the store named by a DATABASE_URL (sqlite:<path> or postgres://...). */
export function openStore(databaseUrl: string): Promise<Store> {
  return openKyselyStore(databaseUrl);
}
