import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely, type Migration } from 'kysely';
import { createTestDatabase, describeEachDatabase, postgresSkipReason } from '../support/databases.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/stores/kysely/open-database.js';
import type { Database } from '../../src/stores/kysely/schema.js';

const provider = (migrations: Record<string, Migration>) => ({ getMigrations: async () => migrations });
const ok: Migration = { up: async (db: Kysely<any>) => void (await db.schema.createTable('probe_ok').addColumn('id', 'integer').execute()) };
const broken: Migration = { up: async () => { throw new Error('column "x" does not exist'); } };

/** A failed migration says which one failed, or which step before the migrations did. */
describeEachDatabase('migrations: failures name what failed', (database) => {
  let opened: OpenDatabase;
  before(async () => {
    opened = await openDatabase(database().url);
  });
  after(async () => opened?.close());

  it('a migration that throws is named, with its error', async () => {
    await assert.rejects(migrateToLatest(opened.db, provider({ '001-ok': ok, '002-broken': broken })), {
      message: 'migration 002-broken failed: column "x" does not exist',
    });
  });

  it('a migration numbered below one already applied still runs (numbers are reserved per feature)', async () => {
    const probe = (table: string): Migration => ({ up: async (db: Kysely<any>) => void (await db.schema.createTable(table).addColumn('id', 'integer').execute()) });
    const fresh = await createTestDatabase(database().kind);
    const own = await openDatabase(fresh.url);
    try {
      assert.deepEqual(await migrateToLatest(own.db, provider({ '001-a': probe('probe_a'), '005-c': probe('probe_c') })), ['001-a', '005-c']);
      assert.deepEqual(await migrateToLatest(own.db, provider({ '001-a': probe('probe_a'), '003-b': probe('probe_b'), '005-c': probe('probe_c') })), ['003-b']);
      await sql`select id from probe_b`.execute(own.db);
    } finally {
      await own.close();
      await fresh.drop();
    }
  });

  it('a database migrated by a newer version names the unknown migration', async () => {
    const db = opened.db as Kysely<Database & { kysely_migration: { name: string; timestamp: string } }>;
    await db.insertInto('kysely_migration').values({ name: '999-from-the-future', timestamp: new Date().toISOString() }).execute();
    await assert.rejects(migrateToLatest(opened.db, provider({ '001-ok': ok })), {
      message:
        'the database was migrated by a newer Trustgate: its migration 999-from-the-future is unknown to this version (latest known: 001-ok); run that version or a newer one',
    });
    await sql`delete from kysely_migration where name = '999-from-the-future'`.execute(opened.db);
  });
});

describe('migrations while other schemas come and go (PostgreSQL)', { skip: postgresSkipReason() }, () => {
  it('a migration never trips over a schema another connection drops at that moment', async () => {
    const base = process.env.TEST_DATABASE_URL!;
    const { default: pg } = await import('pg');
    const churners = [new pg.Client({ connectionString: base }), new pg.Client({ connectionString: base })];
    for (const client of churners) await client.connect();
    let stop = false;
    // other installations (or test runs) creating and dropping schemas with tables, as fast as they can
    const churning = churners.map(async (churn, c) => {
      for (let i = 0; !stop; i++) {
        const name = `tg_churn_${process.pid}_${c}_${i}`;
        await churn.query(`create schema ${name}; create table ${name}.t (id serial primary key, v text); drop schema ${name} cascade`);
      }
    });
    try {
      for (let run = 0; run < 30; run++) {
        const database = await createTestDatabase('postgres');
        const opened = await openDatabase(database.url);
        try {
          assert.ok((await migrateToLatest(opened.db)).includes('001-initial'));
        } finally {
          await opened.close();
          await database.drop();
        }
      }
    } finally {
      stop = true;
      await Promise.all(churning);
      for (const client of churners) await client.end();
    }
  });
});
