import type pg from 'pg';

/** At most this many distinct statements get a name per process; any others run unnamed, as before. */
const MAX_NAMED = 500;

/** PostgreSQL's answer when a prepared `select *` meets a table whose columns changed since (SQLSTATE 0A000). */
const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

type QueryArgs = [text: unknown, values?: unknown, callback?: unknown];
type QueryMethod = (...args: QueryArgs) => unknown;

/**
 * Prepared statements on PostgreSQL: every parameterised statement (what Kysely sends: text and values)
 * gets a name, so node-postgres parses it once per connection and then sends only Bind and Execute;
 * PostgreSQL skips parsing it again and, after five runs, planning it. On this benchmark's machine that
 * was worth half again as many userinfo calls and silent authorizations per second (bench/README.md).
 *
 * A name always stands for one text (a counter, never reused). When another node's migration changed a
 * table under a prepared `select *`, PostgreSQL refuses the old statement; the text then gets a new name
 * and runs once more, prepared against the new columns.
 */
export function nameStatements(pool: pg.Pool): void {
  const names = new Map<string, string>();
  let next = 0;
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED) {
      name = `tg_${(next++).toString(36)}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as unknown as QueryMethod;
    const named = (text: string, values: unknown[]): Promise<unknown> | undefined => {
      const name = nameFor(text);
      return name === undefined ? undefined : (query({ name, text, values }) as Promise<unknown>);
    };
    (client as unknown as { query: QueryMethod }).query = (...args: QueryArgs) => {
      const [text, values, callback] = args;
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined) return query(...args);
      const first = named(text, values);
      if (first === undefined) return query(...args);
      return first.catch((error: unknown) => {
        if (!(error instanceof Error) || !RESULT_TYPE_CHANGED.test(error.message)) throw error;
        names.delete(text);
        return named(text, values) ?? query(text, values);
      });
    };
  });
}
