/**
 * Analysis aid (not used by a normal run): preloaded into a Trustgate process with
 * `node --import ./dist/bench/tools/query-counter.js dist/src/main.js`, it counts the SQL statements
 * executed on SQLite (better-sqlite3 `run` / `all` / `get` / `iterate`), by text. On SIGUSR2 it
 * writes the counts since the previous signal to $QUERY_COUNT_FILE (JSON) and starts again.
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

const counts = new Map<string, number>();
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = statementPrototype[method] as (this: Statement, ...args: unknown[]) => unknown;
  statementPrototype[method] = function (this: Statement, ...args: unknown[]) {
    counts.set(this.source, (counts.get(this.source) ?? 0) + 1);
    return original.apply(this, args);
  };
}
process.on('SIGUSR2', () => {
  const file = process.env.QUERY_COUNT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
  counts.clear();
});
