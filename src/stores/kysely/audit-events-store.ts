import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from './schema.js';
import type { AuditEventsStore } from '../audit-events.js';
import {
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
  auditCursor,
  parseAuditCursor,
  type AuditEvent,
  type AuditPage,
  type AuditQuery,
} from '../../domain/audit-event.js';
import { isStorableText, toStorableText } from '../../domain/text.js';
import { affected } from './atomic.js';

/** The audit trail: appended rows, read newest first by (at, id), deleted only by retention. */
export class KyselyAuditEventsStore implements AuditEventsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: AuditEvent): Promise<void> {
    await this.db.insertInto('audit_events').values(fromEvent(event)).execute();
  }

  async query(filter: AuditQuery): Promise<AuditPage> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? AUDIT_DEFAULT_LIMIT), 1), AUDIT_MAX_LIMIT);
    const texts = [filter.clientId, filter.userId, filter.actor, ...asList(filter.action)].filter((v) => v !== undefined);
    // a value that cannot be stored as text was never stored: nothing matches it (on either database)
    if (texts.some((value) => typeof value !== 'string' || !isStorableText(value))) return { events: [], nextCursor: null };
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    const actions = asList(filter.action);
    if (actions.length > 0) query = query.where('action', 'in', actions);
    const outcomes = asList(filter.outcome);
    if (outcomes.length > 0) query = query.where('outcome', 'in', outcomes);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.cursor !== undefined) {
      const after = parseAuditCursor(filter.cursor);
      if (!after) return { events: [], nextCursor: null };
      query = query.where((eb) =>
        eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
      );
    }
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const events = rows.slice(0, limit).map(toEvent);
    const last = events[events.length - 1];
    return { events, nextCursor: rows.length > limit && last ? auditCursor(last) : null };
  }

  async pruneBefore(before: number, limit = 1000): Promise<number> {
    const doomed = this.db.selectFrom('audit_events').select('id').where('at', '<', before).limit(limit);
    return affected(await this.db.deleteFrom('audit_events').where('id', 'in', doomed).executeTakeFirst());
  }

  async pruneFailuresBeyond(clientId: string, keep: number, limit = 1000): Promise<number> {
    if (!isStorableText(clientId)) return 0;
    const failures = () =>
      this.db.selectFrom('audit_events').where('client_id', '=', clientId).where('outcome', 'in', ['failure', 'refused']);
    // the newest event past the ones kept: it and everything older goes
    const boundary = await failures()
      .select(['at', 'id'])
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .offset(Math.max(0, Math.trunc(keep)))
      .limit(1)
      .executeTakeFirst();
    if (!boundary) return 0;
    const doomed = failures()
      .select('id')
      .where((eb) => eb.or([eb('at', '<', boundary.at), eb.and([eb('at', '=', boundary.at), eb('id', '<=', boundary.id)])]))
      .limit(limit);
    return affected(await this.db.deleteFrom('audit_events').where('id', 'in', doomed).executeTakeFirst());
  }
}

function asList<T extends string>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

const text = (value: string | null): string | null => (value === null ? null : toStorableText(value));

function fromEvent(event: AuditEvent): AuditEventsTable {
  return {
    id: event.id,
    at: event.at,
    actor: toStorableText(event.actor),
    action: toStorableText(event.action),
    target_type: text(event.targetType),
    target_id: text(event.targetId),
    client_id: text(event.clientId),
    user_id: text(event.userId),
    source_address: text(event.sourceAddress),
    outcome: event.outcome,
    reason: text(event.reason),
    // JSON.stringify escapes NUL and lone surrogates, so the text is storable as it is
    details: JSON.stringify(event.details ?? {}),
  };
}

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    clientId: row.client_id,
    userId: row.user_id,
    sourceAddress: row.source_address,
    outcome: row.outcome,
    reason: row.reason,
    details: parseDetails(row.details),
  };
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
