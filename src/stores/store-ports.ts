import type { AppsStore } from './apps.js';
import type { UsersStore } from './users.js';
import type { CodesStore } from './codes.js';
import type { KeysStore } from './keys.js';
import type { SessionsStore } from './sessions.js';
import type { InteractionsStore } from './interactions.js';
import type { ConsentsStore } from './consents.js';
import type { ThrottlesStore } from './throttles.js';
import type { RefreshFamiliesStore } from './refresh-families.js';
import type { RevokedTokensStore } from './revoked-tokens.js';
import type { ServerSecretsStore } from './server-secrets.js';
import type { SecondFactorsStore } from './second-factors.js';
import type { PasswordResetsStore } from './password-resets.js';
import type { AuditEventsStore } from './audit-events.js';

/** One port per persistent concern. */
export interface StorePorts {
  readonly apps: AppsStore;
  readonly users: UsersStore;
  readonly codes: CodesStore;
  readonly keys: KeysStore;
  readonly sessions: SessionsStore;
  readonly interactions: InteractionsStore;
  readonly consents: ConsentsStore;
  readonly throttles: ThrottlesStore;
  readonly refresh: RefreshFamiliesStore;
  readonly revokedTokens: RevokedTokensStore;
  readonly serverSecrets: ServerSecretsStore;
  readonly secondFactors: SecondFactorsStore;
  readonly passwordResets: PasswordResetsStore;
  readonly auditEvents: AuditEventsStore;
}

export type Dialect = 'sqlite' | 'postgres';

/**
 * Every persistent concern, over one database. Nodes keep no state another node needs: everything lives
 * here (SQLite for one node, PostgreSQL for many). Only the implementation under kysely/ writes SQL.
 */
export interface Store extends StorePorts {
  readonly dialect: Dialect;
  /**
   * Runs `work` in one transaction: every port it is given writes inside it; commit when `work` returns,
   * roll back when it throws. Operations that are atomic on their own join the transaction.
   */
  withTransaction<T>(work: (tx: StorePorts) => Promise<T>): Promise<T>;
  /** Applies pending migrations (one node at a time); returns the names applied. */
  migrate(): Promise<string[]>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
