/**
 * What-if experiment (`npm run bench -- --whatif statement-cache`): preloaded into a Trustgate process,
 * it makes better-sqlite3 reuse prepared statements by SQL text. Kysely's SQLite driver calls
 * `db.prepare(sql)` for every query it runs, so SQLite parses and plans the same statement again
 * each time; a bounded cache shows what reusing them would save. Nothing in Trustgate changes.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as { prototype: { prepare(this: object, sql: string): unknown } };
const LIMIT = 500;
const caches = new WeakMap<object, Map<string, unknown>>();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: object, sql: string) {
  let cache = caches.get(this);
  if (!cache) caches.set(this, (cache = new Map()));
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = prepare.call(this, sql);
    if (cache.size >= LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(sql, statement);
  }
  return statement;
};
