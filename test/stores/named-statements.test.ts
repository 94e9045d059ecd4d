import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { nameStatements } from '../../src/stores/kysely/named-statements.js';

/** PostgreSQL only: prepared (named) statements, as the store's pool runs them. */
describe('PostgreSQL statements are prepared once per connection', { skip: postgresSkipReason() }, () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    database = await createTestDatabase('postgres');
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    nameStatements(pool);
    await pool.query('create table gadgets (id integer primary key, label text)');
    await pool.query("insert into gadgets values (1, 'one'), (2, 'two')");
  });
  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  /** As Kysely runs a statement: a client checked out of the pool, text and values, no callback. */
  async function run(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    const client = await pool.connect();
    try {
      return await client.query(text, values);
    } finally {
      client.release();
    }
  }
  const prepared = async () =>
    (await run('select name, statement from pg_prepared_statements order by name')).rows as { name: string; statement: string }[];

  it('a parameterised statement is prepared under one name and reused; one without values is not', async () => {
    const select = 'select * from gadgets where id = $1';
    assert.deepEqual((await run(select, [1])).rows, [{ id: 1, label: 'one' }]);
    assert.deepEqual((await run(select, [2])).rows, [{ id: 2, label: 'two' }]);
    const statements = await prepared();
    assert.equal(statements.filter((s) => s.statement === select).length, 1);
    assert.ok(!statements.some((s) => s.statement.includes('pg_prepared_statements')));
  });

  it('a prepared select * still answers after another node added a column (a new name, prepared again)', async () => {
    const select = 'select * from gadgets where id = $1';
    await run(select, [1]);
    assert.equal((await prepared()).filter((s) => s.statement === select).length, 1, 'prepared before the change');
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    await other.query("alter table gadgets add column colour text not null default 'red'");
    await other.end();
    assert.deepEqual((await run(select, [1])).rows, [{ id: 1, label: 'one', colour: 'red' }]);
    assert.deepEqual((await run(select, [2])).rows, [{ id: 2, label: 'two', colour: 'red' }]);
  });

  it('a failing statement fails as before (hostile input: a NUL byte)', async () => {
    await assert.rejects(run('select * from gadgets where label = $1', ['a\u0000b']), /0x00/);
    assert.deepEqual((await run('select label from gadgets where id = $1', [2])).rows, [{ label: 'two' }]);
  });
});
