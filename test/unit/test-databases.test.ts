import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { describeEachDatabase, type TestDatabase } from '../support/databases.js';

/** Whether the test database is still there: the SQLite file's folder, or the PostgreSQL schema. */
async function exists(db: TestDatabase): Promise<boolean> {
  if (db.kind === 'sqlite') return fs.existsSync(path.dirname(db.url.slice('sqlite:'.length)));
  const schema = /search_path=(\w+)/.exec(new URL(db.url).searchParams.get('options') ?? '')?.[1];
  assert.ok(schema, db.url);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describeEachDatabase('test databases: a suite closes what it opened before its database is dropped', (database) => {
  // what a suite opens in `before` (a server, a store, a process) it closes in its own `after`
  let db: TestDatabase;
  before(() => {
    db = database();
  });
  after(async () => {
    assert.ok(await exists(db), 'the database still exists when the suite\'s own after hook runs');
  });

  it('the database exists during the suite', async () => {
    assert.ok(await exists(database()));
  });
});
