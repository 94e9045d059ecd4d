import type { AuditEvent, AuditPage, AuditQuery } from '../domain/audit-event.js';

/** The audit trail: append-only events, read newest first with filters, removed only by retention. */
export interface AuditEventsStore {
  append(event: AuditEvent): Promise<void>;
  /** Events matching every given filter, newest first (time, then id), one page at a time. */
  query(filter: AuditQuery): Promise<AuditPage>;
  /** Removes events older than `before` (epoch ms), at most `limit` of them; returns how many. */
  pruneBefore(before: number, limit?: number): Promise<number>;
  /**
   * Keeps only the `keep` newest events of this app whose outcome is not `success` (its failure trail),
   * removing at most `limit` older ones; returns how many were removed.
   */
  pruneFailuresBeyond(clientId: string, keep: number, limit?: number): Promise<number>;
}
