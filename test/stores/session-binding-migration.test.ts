import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { describeEachDatabase } from '../support/databases.js';
import { migrateToLatest, openDatabase } from '../../src/stores/kysely/open-database.js';
import { migrationProvider } from '../../src/stores/migrations/index.js';

/** Migration 004 keeps pending sign-ins working: their session moves from the cookie hash to the sid. */
describeEachDatabase('migration 004-session-binding', (database) => {
  it('applies after later migrations, moves pending interactions from the session hash to the sid and adds the browser index', async () => {
    const opened = await openDatabase(database().url);
    try {
      const db = opened.db as unknown as Kysely<any>;
      // a database migrated by a version without 004 (also with later migrations: numbers are reserved
      // per change, so 004 may arrive after 005 was applied)
      const all = await migrationProvider.getMigrations();
      const without004 = Object.fromEntries(Object.entries(all).filter(([name]) => name !== '004-session-binding'));
      await migrateToLatest(opened.db, { getMigrations: async () => without004 });
      await db.insertInto('sessions').values({
        id_hash: 'h1', sid: 'sid-1', user_id: 'u1', auth_time: 1, amr: '[]', created_at: 1, last_seen_at: 1, expires_at: 9, ended_at: null,
      }).execute();
      const row = { browser_hash: 'b', csrf_hash: 'c', client_id: 'app', request: '{}', created_at: 1, expires_at: 9, completed_at: null };
      await db.insertInto('interactions').values([
        { ...row, id: 'with-session', user_id: 'u1', session_id_hash: 'h1' },
        { ...row, id: 'without', user_id: null, session_id_hash: null },
        { ...row, id: 'gone-session', user_id: 'u1', session_id_hash: 'pruned' },
      ]).execute();

      assert.deepEqual(await migrateToLatest(opened.db), ['004-session-binding']);
      const rows = await db.selectFrom('interactions').select(['id', 'session_sid']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'gone-session', session_sid: null },
        { id: 'with-session', session_sid: 'sid-1' },
        { id: 'without', session_sid: null },
      ]);
      const indexes = opened.dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'interactions'`.execute(db)
        : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'interactions' and schemaname = current_schema()`.execute(db);
      assert.ok(indexes.rows.some((r) => r.name === 'interactions_browser_idx'), JSON.stringify(indexes.rows));
    } finally {
      await opened.close();
    }
  });
});
