import type { Kysely, Selectable } from 'kysely';
import type { Database, ThrottlesTable } from './schema.js';
import type { ThrottleState } from '../../domain/throttle.js';
import type { ThrottlesStore } from '../throttles.js';
import { affected } from './atomic.js';

/** Failure counters for login throttling, shared by every node. */
export class KyselyThrottlesStore implements ThrottlesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(keys: string[]): Promise<ThrottleState[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.selectFrom('throttles').selectAll().where('key', 'in', keys).execute();
    return rows.map(toState);
  }

  /**
   * Counts one failure atomically (a stale window restarts at 1) and returns the new state.
   */
  async recordFailure(key: string, now: number, windowMs: number): Promise<ThrottleState> {
    // restart a window that ran out
    await this.db
      .updateTable('throttles')
      .set({ failures: 0, window_started_at: now, locked_until: null, updated_at: now })
      .where('key', '=', key)
      .where('window_started_at', '<=', now - windowMs)
      .execute();
    // one statement increments and reports the count this failure produced (RETURNING: SQLite and PostgreSQL)
    const row = await this.db
      .insertInto('throttles')
      .values({ key, failures: 1, window_started_at: now, locked_until: null, updated_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({ failures: eb('throttles.failures', '+', 1), updated_at: now })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toState(row);
  }

  /** Locks a key until `until` (keeps a later lock already in place). */
  async lock(key: string, until: number, now: number): Promise<void> {
    await this.db
      .updateTable('throttles')
      .set({ locked_until: until, updated_at: now })
      .where('key', '=', key)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', until)]))
      .execute();
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('throttles').where('key', '=', key).execute();
  }

  /** Removes counters untouched since `before` (bounded batch). */
  async pruneStale(before: number, limit = 1000): Promise<number> {
    const doomed = this.db.selectFrom('throttles').select('key').where('updated_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('throttles').where('key', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}

function toState(row: Selectable<ThrottlesTable>): ThrottleState {
  return {
    key: row.key,
    failures: Number(row.failures),
    windowStartedAt: Number(row.window_started_at),
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
  };
}
