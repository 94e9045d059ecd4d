import type { Config } from '../config/config.js';
import type { Store } from '../stores/store.js';

/** What the admin services need; an AppContext satisfies it, and so does the CLI's smaller context. */
export interface AdminDeps {
  store: Store;
  config: Pick<Config, 'argon2' | 'issuer' | 'passwordResetLifetimeSeconds'>;
  /** epoch milliseconds */
  now: () => number;
  /** a local client cache to forget changed apps in (other nodes' caches expire within seconds) */
  clients?: { invalidate(clientId: string): void };
}

export { isUniqueViolation } from '../stores/unique-violation.js';
