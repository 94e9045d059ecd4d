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

/** True when a database error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e?.message === 'string' && /UNIQUE constraint failed|duplicate key value/.test(e.message));
}
