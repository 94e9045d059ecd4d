import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql, type Kysely, type Migration } from 'kysely';
import { describeEachDatabase } from '../support/databases.js';
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
