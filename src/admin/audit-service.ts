import { invalid, notFound } from '../errors/admin-error.js';
import { AUDIT_MAX_LIMIT, AUDIT_OUTCOMES, type AuditEvent, type AuditOutcome, type AuditPage } from '../domain/audit-event.js';
import { parseDurationSeconds } from '../domain/duration.js';
import type { AdminDeps } from './admin-deps.js';
import { UserService } from './user-service.js';

/** What an administrator asks of the audit trail; every filter optional. */
export interface AuditFilter {
  /** an ApplicationUri (also of a deleted app) */
  app?: string;
  /** a user's login or id */
  user?: string;
  actor?: string;
  action?: string;
  outcome?: string;
  /** epoch ms, or a time as `parseAuditTime` reads it */
  since?: number | string;
  until?: number | string;
  limit?: number;
  cursor?: string;
}

/**
 * A point in time for a filter: an ISO-8601 date or date-time (`2026-12-31`, `2026-12-31T18:00:00Z`), or
 * a time back from now (`90s`, `15m`, `24h`, `7d`). Undefined when it is neither.
 */
export function parseAuditTime(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  const back = parseDurationSeconds(trimmed);
  if (back !== undefined && /[a-z]$/.test(trimmed)) return now - back * 1000;
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** The audit trail as administrators read it (the CLI's `trustgate audit`, the admin API). */
export class AuditService {
  constructor(private readonly deps: AdminDeps) {}

  async list(filter: AuditFilter = {}): Promise<AuditPage> {
    const now = this.deps.now();
    const query: Parameters<AdminDeps['store']['auditEvents']['query']>[0] = {};
    if (filter.app !== undefined) query.clientId = filter.app;
    if (filter.user !== undefined) {
      const user = await new UserService(this.deps).find(filter.user);
      // a deleted user's events are found by id
      query.userId = user?.id ?? filter.user;
    }
    if (filter.actor !== undefined) query.actor = filter.actor;
    if (filter.action !== undefined) query.action = filter.action;
    if (filter.outcome !== undefined) {
      if (!(AUDIT_OUTCOMES as readonly string[]).includes(filter.outcome)) {
        throw invalid('audit_outcome_invalid', `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`, ['outcome']);
      }
      query.outcome = filter.outcome as AuditOutcome;
    }
    if (filter.since !== undefined) query.since = time(filter.since, now, 'since');
    if (filter.until !== undefined) query.until = time(filter.until, now, 'until');
    if (filter.limit !== undefined) query.limit = limit(filter.limit);
    if (filter.cursor !== undefined) query.cursor = filter.cursor;
    return this.deps.store.auditEvents.query(query);
  }

  /**
   * The app's failure trail: its last refused requests (outcome `failure` or `refused`), newest first,
   * with the exact reason. The app must exist.
   */
  async failures(clientId: string, options: { limit?: number; cursor?: string } = {}): Promise<AuditPage> {
    if (!(await this.deps.store.apps.get(clientId))) {
      throw notFound('app_not_found', `no app with ApplicationUri "${clientId}"`, ['clientId']);
    }
    return this.deps.store.auditEvents.query({
      clientId,
      outcome: ['failure', 'refused'],
      limit: options.limit === undefined ? 20 : limit(options.limit),
      ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    });
  }
}

function time(value: number | string, now: number, field: string): number {
  const ms = typeof value === 'number' ? value : parseAuditTime(value, now);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw invalid('audit_time_invalid', `${field} must be an ISO-8601 time (2026-12-31T18:00:00Z) or a time back from now (24h, 7d)`, [field]);
  }
  return ms;
}

function limit(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > AUDIT_MAX_LIMIT) {
    throw invalid('audit_limit_invalid', `limit must be a whole number from 1 to ${AUDIT_MAX_LIMIT}`, ['limit']);
  }
  return value;
}

/** An event as scripts and the admin API see it (times as ISO-8601). */
export function auditEventView(event: AuditEvent): Record<string, unknown> {
  return {
    id: event.id,
    at: new Date(event.at).toISOString(),
    actor: event.actor,
    action: event.action,
    outcome: event.outcome,
    targetType: event.targetType,
    targetId: event.targetId,
    clientId: event.clientId,
    userId: event.userId,
    sourceAddress: event.sourceAddress,
    reason: event.reason,
    details: event.details,
  };
}
