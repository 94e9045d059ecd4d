import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, describeEachDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { openDatabase, type OpenDatabase } from '../../src/stores/kysely/open-database.js';
import { columnsOf, Precompiled } from '../../src/stores/kysely/precompiled.js';

// Precompiled statements are built against the store's schema type; the tests use a scratch table of
// their own, so the builder is typed loosely here.
type Row = { id: string; owner: string; n: number; note: string | null };
const COLUMNS: Record<keyof Row, true> = { id: true, owner: true, n: true, note: true };
const table = 'precompiled_probe';

const insert = new Precompiled((db, p: Row) => (db as unknown as Kysely<{ precompiled_probe: Row }>).insertInto(table).values(columnsOf(p, COLUMNS)));
const byOwnerAbove = new Precompiled((db, p: { owner: string; above: number }) =>
  (db as unknown as Kysely<{ precompiled_probe: Row }>)
    .selectFrom(table)
    .selectAll()
    .where('owner', '=', p.owner)
    .where('n', '>', p.above)
    // a constant of the statement stays a constant: only the placeholders take the new values
    .where('id', '!=', 'never')
    .orderBy('n'),
);
const bump = new Precompiled((db, p: { owner: string; by: number }) =>
  (db as unknown as Kysely<{ precompiled_probe: Row }>).updateTable(table).set({ n: sql<number>`n + ${p.by}` }).where('owner', '=', p.owner),
);

async function createProbe(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();
}

describeEachDatabase('precompiled statements', (database) => {
  let opened: OpenDatabase;
  before(async () => {
    opened = await openDatabase(database().url);
    await createProbe(opened.db);
  });
  after(async () => opened?.close());

  it('run with the values of each call (inserts, selects, updates), not those of the first', async () => {
    const { db } = opened;
    await insert.execute(db, { id: 'a1', owner: 'alice', n: 1, note: null });
    await insert.execute(db, { id: 'a2', owner: 'alice', n: 5, note: 'five' });
    await insert.execute(db, { id: 'b1', owner: 'bob', n: 7, note: 'seven' });
    assert.deepEqual((await byOwnerAbove.execute(db, { owner: 'alice', above: 0 })).rows.map((r) => r.id), ['a1', 'a2']);
    assert.deepEqual((await byOwnerAbove.execute(db, { owner: 'alice', above: 2 })).rows.map((r) => r.id), ['a2']);
    assert.deepEqual(await byOwnerAbove.first(db, { owner: 'bob', above: 0 }), { id: 'b1', owner: 'bob', n: 7, note: 'seven' });
    assert.equal(await byOwnerAbove.first(db, { owner: 'carol', above: 0 }), undefined);
    assert.equal(await bump.affected(db, { owner: 'alice', by: 10 }), 2);
    assert.equal(await bump.affected(db, { owner: 'nobody', by: 10 }), 0);
    assert.deepEqual((await byOwnerAbove.execute(db, { owner: 'alice', above: 10 })).rows.map((r) => [r.id, Number(r.n)]), [['a1', 11], ['a2', 15]]);
  });

  it('run inside the caller\'s transaction (a rollback takes the write back)', async () => {
    const { db } = opened;
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await insert.execute(trx, { id: 't1', owner: 'trx', n: 1, note: null });
        assert.equal((await byOwnerAbove.execute(trx, { owner: 'trx', above: 0 })).rows.length, 1);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await byOwnerAbove.first(db, { owner: 'trx', above: 0 }), undefined);
  });

  it('refuse a list or a missing value instead of binding it as one parameter, and run nothing', async () => {
    const { db } = opened;
    await assert.rejects(async () => byOwnerAbove.execute(db, { owner: ['alice', 'bob'] as unknown as string, above: 0 }), /must be a single value/);
    await assert.rejects(async () => insert.execute(db, { id: 'u1', owner: 'u', n: 1 } as Row), /"note" must be a single value/);
    assert.equal(await byOwnerAbove.first(db, { owner: 'u', above: 0 }), undefined);
  });
});

it('one precompiled statement serves SQLite and PostgreSQL in the same process (SQL compiled per dialect)', { skip: postgresSkipReason() }, async () => {
  const databases: TestDatabase[] = [await createTestDatabase('sqlite'), await createTestDatabase('postgres')];
  const opened = await Promise.all(databases.map((d) => openDatabase(d.url)));
  try {
    const statement = new Precompiled((db, p: { owner: string }) =>
      (db as unknown as Kysely<{ precompiled_probe: Row }>).selectFrom(table).select('id').where('owner', '=', p.owner).where('n', '>', 0),
    );
    for (const [i, { db }] of opened.entries()) {
      await createProbe(db);
      await insert.execute(db, { id: `x${i}`, owner: 'dual', n: 1, note: null });
    }
    // alternate: each dialect keeps its own SQL text (SQLite's ?, PostgreSQL's $1)
    for (let round = 0; round < 2; round++) {
      for (const [i, { db }] of opened.entries()) assert.deepEqual(await statement.first(db, { owner: 'dual' }), { id: `x${i}` });
    }
  } finally {
    for (const o of opened) await o.close();
    for (const d of databases) await d.drop();
  }
});
