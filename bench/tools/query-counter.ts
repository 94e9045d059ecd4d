/**
 * Analysis aid (not used by a normal run): preloaded into a Trustgate process with
 * `node --import ./dist/bench/tools/query-counter.js dist/src/main.js`, it counts the SQL statements
 * Kysely prepares on SQLite (better-sqlite3 prepares every statement it runs), by text. On SIGUSR2 it
 * writes the counts since the previous signal to $QUERY_COUNT_FILE (JSON) and starts again.
 * `npm run bench -- --count-queries` uses it to report statements per operation.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as { prototype: { prepare(this: unknown, sql: string): unknown } };
const counts = new Map<string, number>();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: unknown, sql: string) {
  counts.set(sql, (counts.get(sql) ?? 0) + 1);
  return prepare.call(this, sql);
};
process.on('SIGUSR2', () => {
  const file = process.env.QUERY_COUNT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(Object.fromEntries(counts)));
  counts.clear();
});
