import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../stores/store.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { ClientRegistry } from '../stores/client-registry.js';

/** What every endpoint needs, built once at start-up and passed explicitly. */
export interface AppContext {
  config: Config;
  store: Store;
  keys: KeyRing;
  /** Trusted Applications through a short-lived cache (kill switch within CLIENT_CACHE_SECONDS) */
  clients: ClientRegistry;
  log: Logger;
  /** current time in epoch milliseconds (replaceable in tests) */
  now: () => number;
}
