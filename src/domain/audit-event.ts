/**
 * One entry of the audit trail: who (actor) did what (action) to what (target), from where, with which
 * outcome and why. Appended, never changed; removed only by retention (AUDIT_RETENTION_DAYS).
 *
 * Actors: `cli:<os user>` (the trustgate command line), `user:<id>` (a signed-in user or an administrator
 * through the admin API), `app:<client_id>` (an app: a protocol request or a service app's automation),
 * `system` (Trustgate itself, e.g. scheduled key rotation).
 */
export type AuditOutcome = 'success' | 'failure' | 'refused';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'refused'];

export interface AuditEvent {
  id: string;
  /** epoch milliseconds */
  at: number;
  actor: string;
  /** snake_case, e.g. `app_created`, `login_failed`, `authorize_refused` */
  action: string;
  /** `app`, `user`, `secret`, `key`, … (null when the action has no single target) */
  targetType: string | null;
  targetId: string | null;
  /** the app concerned (an ApplicationUri), if any */
  clientId: string | null;
  /** the user concerned, if any */
  userId: string | null;
  sourceAddress: string | null;
  outcome: AuditOutcome;
  /** a machine-readable cause or a short sentence (failures, refusals) */
  reason: string | null;
  /** small, redacted facts (never a secret, code, token, verifier or password) */
  details: Record<string, unknown>;
}

/** Filters for reading the trail; every one optional. Results are newest first. */
export interface AuditQuery {
  clientId?: string;
  userId?: string;
  actor?: string;
  /** one action or any of several */
  action?: string | readonly string[];
  outcome?: AuditOutcome | readonly AuditOutcome[];
  /** epoch ms, inclusive */
  since?: number;
  /** epoch ms, exclusive */
  until?: number;
  /** at most this many (default 100, at most 1000) */
  limit?: number;
  /** the `nextCursor` of the previous page */
  cursor?: string;
}

export interface AuditPage {
  events: AuditEvent[];
  /** pass as `cursor` for the next (older) page; null when there is none */
  nextCursor: string | null;
}

export const AUDIT_DEFAULT_LIMIT = 100;
export const AUDIT_MAX_LIMIT = 1000;

/** The position after an event, in newest-first order: its time and id. */
export function auditCursor(event: Pick<AuditEvent, 'at' | 'id'>): string {
  return `${event.at}.${event.id}`;
}

export function parseAuditCursor(cursor: string): { at: number; id: string } | undefined {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) return undefined;
  return { at: Number(match[1]), id: match[2]! };
}
