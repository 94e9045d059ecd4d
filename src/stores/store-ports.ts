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
import type { PasskeysStore } from './passkeys.js';
import type { PushedRequestsStore } from './pushed-requests.js';
import type { DpopProofsStore } from './dpop-proofs.js';
import type { ApisStore } from './apis.js';
import type { RevocationEventsStore } from './revocation-events.js';
import type { ReferenceTokensStore } from './reference-tokens.js';
import type { ClientAssertionsStore } from './client-assertions.js';
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
  readonly passkeys: PasskeysStore;
  readonly pushedRequests: PushedRequestsStore;
  readonly dpopProofs: DpopProofsStore;
  readonly apis: ApisStore;
  readonly revocationEvents: RevocationEventsStore;
  readonly referenceTokens: ReferenceTokensStore;
  readonly clientAssertions: ClientAssertionsStore;
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
  /**
   * SQLite: a consistent copy of the live database into the new file `destination` (SQLite's online
   * backup: writers go on meanwhile). PostgreSQL: refused with AdminError `backup_unsupported` (pg_dump).
   */
  backup(destination: string): Promise<void>;
  close(): Promise<void>;
}
