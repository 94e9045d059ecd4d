import type { RevocationEvent, StoredRevocationEvent } from '../domain/revocation-event.js';

/**
 * The append-only log the revocation feed serves. The stores that revoke (the deny list, refresh
 * families, sessions, users, apps) append their entries in the same transaction as the change; this port
 * reads them by cursor and prunes those past their `until`.
 */
export interface RevocationEventsStore {
  /** Appends entries (atomically, in commit order). */
  append(events: readonly RevocationEvent[]): Promise<void>;
  /** Entries with seq > `cursor` whose `until` is after `now`, oldest first, at most `limit`. */
  since(cursor: number, now: number, limit: number): Promise<StoredRevocationEvent[]>;
  /**
   * Whether a live entry refuses this token: its jti, its session, or its user or app with the token
   * issued before the entry (`issuedAt` in epoch milliseconds).
   */
  refuses(token: { jti: string; sid?: string; sub: string; clientId: string; issuedAt: number }, now: number): Promise<boolean>;
  /** The largest seq written (0: none). */
  latest(): Promise<number>;
  /** Removes entries whose `until` passed before `before` (bounded batch; the latest entry is kept as the cursor's floor). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
