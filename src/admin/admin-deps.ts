import type { Config } from '../config/config.js';
import type { Store } from '../stores/store.js';
import type { AuditEntry, AuditRecorder } from '../audit/record.js';

/** What the admin services need; an AppContext satisfies it, and so does the CLI's smaller context. */
export interface AdminDeps {
  store: Store;
  config: Pick<Config, 'argon2' | 'issuer' | 'passwordResetLifetimeSeconds'>;
  /** epoch milliseconds */
  now: () => number;
  /** a local client cache to forget changed apps in (other nodes' caches expire within seconds) */
  clients?: { invalidate(clientId: string): void };
  /** a local cache of API ownership to forget after a change to the registered APIs */
  apiRegistry?: { invalidate(): void };
  /** every change is recorded here, with `actor` */
  audit: AuditRecorder;
  /**
   * Who makes the changes: `cli:<os user>` (the CLI), `user:<id>` (an administrator through the admin
   * API), `app:<client_id>` (a service app's automation). Absent: `system` (Trustgate itself, tests).
   */
  actor?: string;
  /** where the change came from (the admin API's client address); absent for the CLI */
  sourceAddress?: string;
}

export { isUniqueViolation } from '../stores/unique-violation.js';

/** Records an administrator's change on the audit trail, with the deps' actor (always stored, never sampled). */
export function auditChange(deps: Pick<AdminDeps, 'audit' | 'actor' | 'sourceAddress'>, entry: Omit<AuditEntry, 'actor' | 'administrative'>): Promise<void> {
  return deps.audit.record({
    sourceAddress: deps.sourceAddress ?? null,
    ...entry,
    actor: deps.actor ?? 'system',
    administrative: true,
  });
}

/** Who makes changes through the admin API or the console: recorded with every change as `id` (`user:<id>`). */
export interface AdminActor {
  /** `user:<id>` */
  id: string;
  userId: string;
  login: string;
  /** the app the administrator works through (the console, or an app allowed the admin API) */
  clientId: string;
}

/**
 * The admin services' dependencies for one request of the admin API or the console: every change they
 * make is recorded on the audit trail with the actor and the caller's address.
 */
export function adminDepsFor<T extends AdminDeps>(deps: T, actor: Pick<AdminActor, 'id'>, sourceAddress: string): T {
  return { ...deps, actor: actor.id, sourceAddress };
}
