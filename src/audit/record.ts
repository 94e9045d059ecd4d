import { randomBytes } from 'node:crypto';
import type { AuditEvent, AuditOutcome } from '../domain/audit-event.js';
import type { AuditEventsStore } from '../stores/audit-events.js';
import { redactDetails } from './redact.js';

/** What a caller says about something that happened; everything but actor and action is optional. */
export interface AuditEntry {
  /** `cli:<os user>`, `user:<id>`, `app:<client_id>` or `system` (see domain/audit-event.ts) */
  actor: string;
  /** snake_case; also the log line's `event` */
  action: string;
  /** default `success` */
  outcome?: AuditOutcome;
  target?: { type: string; id: string } | null;
  clientId?: string | null;
  userId?: string | null;
  sourceAddress?: string | null;
  reason?: string | null;
  /** small facts; redacted before they are stored or logged (never put a secret here anyway) */
  details?: Record<string, unknown>;
  /** the log line's message (default: the action) */
  message?: string;
  /** the log line's level (default info) */
  level?: 'info' | 'warn';
  /**
   * An administrator's change (apps, secrets, users, keys…): always stored. Other events (sign-ins,
   * refused protocol requests) are stored at most SAMPLE_LIMIT times a minute per app and action on
   * each node, so that a flood of bad requests cannot flood the table; every one is still logged.
   */
  administrative?: boolean;
}

/** Records audit events; `record` never throws (a failure to store is logged). */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
}

/** The logger calls the recorder makes (pino's shape). */
export interface AuditLog {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** How many non-administrative events one node stores per app and action in a minute. */
export const SAMPLE_LIMIT = 120;
const SAMPLE_WINDOW_MS = 60_000;

/**
 * The one way to audit: each event is written to the store (the audit trail) and logged as a line with
 * `audit: true` and `event: <action>`. A store failure is logged as an error and never reaches the caller.
 */
export function createAuditRecorder(deps: { store: { auditEvents: AuditEventsStore }; log: AuditLog; now: () => number }): AuditRecorder {
  const sampler = new Sampler(deps.now);
  let sequence = 0;
  return {
    async record(entry: AuditEntry): Promise<void> {
      try {
        const at = deps.now();
        sequence = (sequence + 1) % 36 ** 6;
        const event: AuditEvent = {
          id: eventId(at, sequence),
          at,
          actor: entry.actor,
          action: entry.action,
          targetType: entry.target?.type ?? null,
          targetId: entry.target?.id ?? null,
          clientId: entry.clientId ?? null,
          userId: entry.userId ?? null,
          sourceAddress: entry.sourceAddress ?? null,
          outcome: entry.outcome ?? 'success',
          reason: entry.reason ?? null,
          details: redactDetails(entry.details),
        };
        const admitted = entry.administrative ? { store: true, suppressed: 0 } : sampler.admit(`${event.clientId ?? ''}\n${event.action}`);
        if (admitted.suppressed > 0) event.details = { ...event.details, suppressedBefore: admitted.suppressed };
        const line = {
          ...event.details,
          event: event.action,
          audit: true,
          actor: event.actor,
          outcome: event.outcome,
          ...(event.clientId !== null ? { clientId: event.clientId } : {}),
          ...(event.userId !== null ? { userId: event.userId } : {}),
          ...(event.targetType !== null ? { targetType: event.targetType, targetId: event.targetId } : {}),
          ...(event.sourceAddress !== null ? { sourceAddress: event.sourceAddress } : {}),
          ...(event.reason !== null ? { reason: event.reason } : {}),
          ...(admitted.store ? {} : { auditSampledOut: true }),
        };
        if (entry.level === 'warn') deps.log.warn(line, entry.message ?? event.action);
        else deps.log.info(line, entry.message ?? event.action);
        if (admitted.store) await deps.store.auditEvents.append(event);
      } catch (error) {
        try {
          deps.log.error({ err: error, event: entry.action, audit: true, auditStoreFailed: true }, 'could not store an audit event');
        } catch {
          // the logger itself failed: nothing more can be done without throwing into the caller
        }
      }
    },
  };
}

/**
 * An id that sorts like the events were recorded on this node, also within one millisecond: the time,
 * a per-process sequence, and random bits (so nodes never collide). Lower-case base 36 and hex only.
 */
function eventId(at: number, sequence: number): string {
  return `${Math.max(0, Math.trunc(at)).toString(36).padStart(10, '0')}${sequence.toString(36).padStart(6, '0')}${randomBytes(8).toString('hex')}`;
}

/** Per node, per key: at most SAMPLE_LIMIT stored a minute; the rest counted and reported with the next stored one. */
class Sampler {
  private windowStart = 0;
  private counts = new Map<string, number>();
  private suppressed = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  admit(key: string): { store: boolean; suppressed: number } {
    const now = this.now();
    if (now - this.windowStart >= SAMPLE_WINDOW_MS || now < this.windowStart) {
      this.windowStart = now;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count > SAMPLE_LIMIT) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      if (this.suppressed.size > 10_000) this.suppressed.clear();
      return { store: false, suppressed: 0 };
    }
    const suppressed = this.suppressed.get(key) ?? 0;
    if (suppressed > 0) this.suppressed.delete(key);
    return { store: true, suppressed };
  }
}

/** The actor for the command line: `cli:<os user>` ($USER or $LOGNAME), or `cli` when unknown. */
export function cliActor(env: Record<string, string | undefined>): string {
  const name = (env.USER ?? env.LOGNAME ?? '').trim();
  return name === '' ? 'cli:cli' : `cli:${name.slice(0, 100)}`;
}
