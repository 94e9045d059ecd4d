/**
 * Analysis aid (not used by a normal run): preloaded into a Trustgate process with
 * `node --import ./dist/bench/tools/query-counter.js dist/src/main.js`, it counts the SQL statements
 * executed on SQLite (better-sqlite3 `run` / `all` / `get` / `iterate`), by text, and the time they
 * take. On SIGUSR2 it writes {sql: [count, microseconds]} since the previous signal to
 * $QUERY_COUNT_FILE (JSON) and starts again.
 * `npm run bench -- --count-queries` uses it to report statements per operation.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Statement = { source: string; [method: string]: unknown };
const Database = require('better-sqlite3') as new (file: string) => { prepare(sql: string): Statement; close(): void };
const probe = new Database(':memory:');
const statementPrototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
probe.close();

const counts = new Map<string, [number, number]>();
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = statementPrototype[method] as (this: Statement, ...args: unknown[]) => unknown;
  statementPrototype[method] = function (this: Statement, ...args: unknown[]) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const entry = counts.get(this.source) ?? [0, 0];
      entry[0] += 1;
      entry[1] += Number(process.hrtime.bigint() - start) / 1000;
      counts.set(this.source, entry);
    }
  };
}
process.on('SIGUSR2', () => {
  const file = process.env.QUERY_COUNT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
  counts.clear();
});
