import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from '../store-ports.js';
import type { RevocationEvent, RevocationEventType, StoredRevocationEvent } from '../../domain/revocation-event.js';
import { DEFAULT_LONGEST_ACCESS_TOKEN_SECONDS } from '../../domain/revocation-event.js';
import type { RevocationEventsStore } from '../revocation-events.js';
import { affected, atomic } from './atomic.js';
import { isStorableText } from '../../domain/text.js';

/**
 * Appends revocation entries inside `trx` (a transaction). The feed's cursor must grow in commit order, or
 * an API that read up to seq 7 would never see a seq 6 committed after it: on PostgreSQL the writer takes
 * the table (SHARE ROW EXCLUSIVE: other writers wait, readers do not) and numbers the rows max + 1, so
 * numbering and commit happen in the same order; SQLite has one writer at a time anyway. Callers append
 * last in their transaction, so the table lock is the last lock taken (no lock-order cycle).
 */
export async function appendRevocationEvents(trx: Kysely<Database>, dialect: Dialect, events: readonly RevocationEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (dialect === 'postgres') await sql`lock table revocation_events in share row exclusive mode`.execute(trx);
  // one statement each (no read before the write: on SQLite a deferred transaction that read first could
  // lose its snapshot to another connection's write)
  for (const event of events) {
    await sql`insert into revocation_events ("seq", "type", "value", "at", "until")
      select coalesce(max("seq"), 0) + 1, cast(${event.type} as varchar(16)), cast(${event.value} as varchar(512)),
        cast(${event.at} as bigint), cast(${event.until} as bigint)
      from revocation_events`.execute(trx);
  }
}

/** When entries that refuse every token issued before `at` (sid, sub, client) stop mattering: `at` plus the longest access-token lifetime. */
export async function untilForIssuedBefore(trx: Kysely<Database>, at: number): Promise<number> {
  const row = await trx
    .selectFrom('trusted_applications')
    .select((eb) => eb.fn.max('access_token_lifetime').as('longest'))
    .executeTakeFirst();
  const longest = row?.longest === null || row?.longest === undefined ? DEFAULT_LONGEST_ACCESS_TOKEN_SECONDS : Number(row.longest);
  return at + longest * 1000;
}

export class KyselyRevocationEventsStore implements RevocationEventsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async append(events: readonly RevocationEvent[]): Promise<void> {
    await atomic(this.db, (trx) => appendRevocationEvents(trx, this.dialect, events));
  }

  async since(cursor: number, now: number, limit: number): Promise<StoredRevocationEvent[]> {
    const rows = await this.db
      .selectFrom('revocation_events')
      .selectAll()
      .where('seq', '>', cursor)
      .where('until', '>', now)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      type: row.type as RevocationEventType,
      value: row.value,
      at: Number(row.at),
      until: Number(row.until),
    }));
  }

  async refuses(token: { jti: string; sid?: string; sub: string; clientId: string; issuedAt: number }, now: number): Promise<boolean> {
    if (![token.jti, token.sid ?? '', token.sub, token.clientId].every(isStorableText)) return false;
    const row = await this.db
      .selectFrom('revocation_events')
      .select('seq')
      .where('until', '>', now)
      .where((eb) =>
        eb.or([
          eb.and([eb('type', '=', 'jti'), eb('value', '=', token.jti)]),
          ...(token.sid ? [eb.and([eb('type', '=', 'sid'), eb('value', '=', token.sid)])] : []),
          // issued in the same second as the change counts as before it (iat has whole seconds)
          eb.and([eb('type', '=', 'sub'), eb('value', '=', token.sub), eb('at', '>=', token.issuedAt)]),
          eb.and([eb('type', '=', 'client'), eb('value', '=', token.clientId), eb('at', '>=', token.issuedAt)]),
        ]),
      )
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async latest(): Promise<number> {
    const row = await this.db
      .selectFrom('revocation_events')
      .select((eb) => eb.fn.max('seq').as('latest'))
      .executeTakeFirst();
    return Number(row?.latest ?? 0);
  }

  async pruneExpired(before: number, limit = 1000): Promise<number> {
    const latest = await this.latest();
    const doomed = this.db
      .selectFrom('revocation_events')
      .select('seq')
      .where('until', '<', before)
      .where('seq', '<', latest)
      .limit(limit);
    const result = await this.db.deleteFrom('revocation_events').where('seq', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}
