import type { CompiledQuery, Compilable, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/**
 * A hot statement built with Kysely's typed builder once, then run many times with new values.
 * Building and compiling a query costs more than SQLite takes to run a primary-key lookup (the
 * benchmark's profiles: about a tenth of a refresh's busy time went to Kysely's builder, parser and
 * compiler), so the statements every token request and authorization runs are compiled once per SQL
 * dialect and only their parameters change.
 *
 * `build` receives placeholders instead of values (`p.name` stands for `values.name`); each one must be
 * used as a plain value (compared, set, inserted), never as a list (`in`) or in anything that changes
 * the SQL text, which is fixed at the first call. The placeholders object has no keys of its own
 * (spreading it yields nothing): name each column (`columnsOf`).
 */
export class Precompiled<P extends object, R> {
  private readonly byDialect = new Map<unknown, { compiled: CompiledQuery<R>; slots: Slot<P>[] }>();

  constructor(private readonly build: (db: Kysely<Database>, p: P) => Compilable<R>) {}

  execute(db: Kysely<Database>, values: P): Promise<QueryResult<R>> {
    const { compiled, slots } = this.compiledFor(db);
    const parameters = slots.map((slot) => {
      if (!('name' in slot)) return slot.value;
      const value = values[slot.name];
      if (Array.isArray(value) || value === undefined) throw new TypeError(`precompiled statement: "${String(slot.name)}" must be a single value`);
      return value;
    });
    return db.executeQuery<R>({ ...compiled, parameters });
  }

  /** The first row, or undefined. */
  async first(db: Kysely<Database>, values: P): Promise<R | undefined> {
    return (await this.execute(db, values)).rows[0];
  }

  /** Rows an UPDATE, DELETE or INSERT touched. */
  async affected(db: Kysely<Database>, values: P): Promise<number> {
    return Number((await this.execute(db, values)).numAffectedRows ?? 0n);
  }

  private compiledFor(db: Kysely<Database>): { compiled: CompiledQuery<R>; slots: Slot<P>[] } {
    // the SQL text depends only on the dialect (its adapter's class): SQLite's ? or PostgreSQL's $n
    const dialect = db.getExecutor().adapter.constructor;
    let entry = this.byDialect.get(dialect);
    if (entry === undefined) {
      const compiled = this.build(db, placeholders<P>()).compile();
      const slots = compiled.parameters.map((value): Slot<P> =>
        typeof value === 'string' && value.startsWith(MARK) ? { name: value.slice(MARK.length) as keyof P } : { value },
      );
      entry = { compiled, slots };
      this.byDialect.set(dialect, entry);
    }
    return entry;
  }
}

type Slot<P> = { name: keyof P } | { value: unknown };

// a NUL can never be a stored value (the edge and the stores refuse it), so a marked string is a placeholder
const MARK = '\u0000precompiled:';

/** A row of placeholders, one per column: for INSERT … VALUES (spreading `p` itself yields nothing). */
export function columnsOf<T extends object>(p: T, columns: Record<keyof T, true>): T {
  return Object.fromEntries(Object.keys(columns).map((column) => [column, p[column as keyof T]])) as T;
}

function placeholders<P>(): P {
  return new Proxy({}, { get: (_target, name) => `${MARK}${String(name)}` }) as P;
}
