import { sql, type Kysely, type QueryCreator, type RawBuilder } from 'kysely';
import type { Database } from './schema.js';
import type { AttemptCounters, CounterState, ReservationResult } from '../../domain/throttle.js';
import type { ThrottlesStore } from '../throttles.js';
import type { Dialect } from '../store-ports.js';
import { atomic } from './atomic.js';

interface CounterRow {
  count: number;
  window_started_at: number;
}

/**
 * Counts one attempt on a counter: a counter whose window ran out restarts at 1 with a new window.
 * `source` is the row to insert: VALUES (...) or a SELECT with a condition.
 */
function upsert(source: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`INSERT INTO throttle_counters (key, account_key, count, window_started_at, window_ms, updated_at) ${source}
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN throttle_counters.window_started_at + throttle_counters.window_ms <= excluded.updated_at
        THEN 1 ELSE throttle_counters.count + 1 END,
      window_started_at = CASE WHEN throttle_counters.window_started_at + throttle_counters.window_ms <= excluded.updated_at
        THEN excluded.updated_at ELSE throttle_counters.window_started_at END,
      window_ms = excluded.window_ms,
      updated_at = excluded.updated_at
    RETURNING count, window_started_at`;
}

function row(key: string, account: string | null, now: number, windowMs: number): RawBuilder<unknown> {
  return sql`SELECT CAST(${key} AS varchar(512)), CAST(${account} AS varchar(256)), 1, CAST(${now} AS bigint), CAST(${windowMs} AS bigint), CAST(${now} AS bigint)`;
}

/** Sign-in throttle counters. A reservation is one statement on PostgreSQL and one transaction on SQLite. */
export class KyselyThrottlesStore implements ThrottlesStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async reserve(counters: AttemptCounters, now: number, windowMs: number): Promise<ReservationResult> {
    const links = counters.chain.map((link) => ({
      ...link,
      // a source's counter is shared by every account tried from it
      account: link.kind === 'source' ? null : counters.account,
    }));
    if (this.dialect === 'postgres') return this.reserveInOneStatement(links, now, windowMs);
    return atomic(this.db, async (trx) => {
      const result: CounterState[] = [];
      for (const link of links) {
        const { rows } = await upsert(sql`${row(link.key, link.account, now, windowMs)} WHERE true`).execute(trx);
        const counted = rows[0] as CounterRow;
        result.push({ key: link.key, count: Number(counted.count), windowStartedAt: Number(counted.window_started_at) });
        if (Number(counted.count) > link.limit) break;
      }
      return result;
    });
  }

  /**
   * PostgreSQL: one statement, the chain as data-modifying CTEs. Each link inserts only when the counts
   * that the links before it actually returned (after their row locks) are within their limits.
   */
  private async reserveInOneStatement(
    links: { key: string; limit: number; account: string | null }[],
    now: number,
    windowMs: number,
  ): Promise<ReservationResult> {
    const ctes = links.map((link, i) => {
      const guards = links.slice(0, i).map((before, j) => sql`(SELECT count FROM ${sql.raw(`c${j}`)}) <= ${before.limit}`);
      const condition = guards.length === 0 ? sql`true` : sql.join(guards, sql` AND `);
      return sql`${sql.raw(`c${i}`)} AS (${upsert(sql`${row(link.key, link.account, now, windowMs)} WHERE ${condition}`)})`;
    });
    const columns = links.map(
      (_link, i) =>
        sql`(SELECT count FROM ${sql.raw(`c${i}`)}) AS ${sql.raw(`n${i}`)}, (SELECT window_started_at FROM ${sql.raw(`c${i}`)}) AS ${sql.raw(`w${i}`)}`,
    );
    const { rows } = await sql<Record<string, number | string | null>>`WITH ${sql.join(ctes, sql`, `)} SELECT ${sql.join(columns, sql`, `)}`.execute(this.db);
    const values = rows[0] ?? {};
    const result: CounterState[] = [];
    for (const [i, link] of links.entries()) {
      const count = values[`n${i}`];
      if (count === null || count === undefined) break;
      result.push({ key: link.key, count: Number(count), windowStartedAt: Number(values[`w${i}`]) });
    }
    return result;
  }

  async release(release: { reset: readonly string[]; refund: readonly string[] }, now: number): Promise<void> {
    const reset = [...release.reset];
    const refund = [...release.refund];
    const refundOne = (db: QueryCreator<Database>) =>
      db
        .updateTable('throttle_counters')
        .set((eb) => ({ count: eb('count', '-', 1), updated_at: now }))
        .where('key', 'in', refund)
        .where('count', '>', 0);
    const resetAll = (db: QueryCreator<Database>) => db.deleteFrom('throttle_counters').where('key', 'in', reset);
    if (reset.length === 0 || refund.length === 0) {
      if (reset.length > 0) await resetAll(this.db).execute();
      if (refund.length > 0) await refundOne(this.db).execute();
    } else if (this.dialect === 'postgres') {
      // one statement: the delete as a CTE beside the refund
      await refundOne(this.db.with('reset', (db) => resetAll(db))).execute();
    } else {
      await atomic(this.db, async (trx) => {
        await resetAll(trx).execute();
        await refundOne(trx).execute();
      });
    }
  }

  async get(keys: readonly string[]): Promise<CounterState[]> {
    if (keys.length === 0) return [];
    const rows = await this.db
      .selectFrom('throttle_counters')
      .select(['key', 'count', 'window_started_at'])
      .where('key', 'in', [...keys])
      .execute();
    return rows.map((r) => ({ key: r.key, count: Number(r.count), windowStartedAt: Number(r.window_started_at) }));
  }

  async clearAccount(account: string): Promise<number> {
    const result = await this.db.deleteFrom('throttle_counters').where('account_key', '=', account).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pruneStale(before: number, limit = 1000): Promise<number> {
    const doomed = this.db.selectFrom('throttle_counters').select('key').where('updated_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('throttle_counters').where('key', 'in', doomed).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
