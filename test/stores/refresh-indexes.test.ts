import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import { describeEachDatabase } from '../support/databases.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/stores/kysely/open-database.js';

/**
 * Migration 013: every rotation retires the family's live tokens and closes its earlier grace windows.
 * A family keeps every rotated token, so without the partial indexes both statements walk the family's
 * whole chain (each rotation slower than the one before); with them, only the few live entries.
 */
describeEachDatabase('refresh rotation indexes', (database, kind) => {
  let opened: OpenDatabase;
  before(async () => {
    opened = await openDatabase(database().url);
    await migrateToLatest(opened.db);
  });
  after(async () => opened?.close());

  it('the live-token and open-window indexes exist, each partial', async () => {
    const definitions =
      kind === 'sqlite'
        ? (await sql<{ name: string; def: string | null }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name = 'refresh_tokens'`.execute(opened.db)).rows
        : (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where tablename = 'refresh_tokens' and schemaname = current_schema()`.execute(opened.db)).rows;
    const byName = new Map(definitions.map((d) => [d.name, (d.def ?? '').toLowerCase().replaceAll('"', '')]));
    assert.match(byName.get('refresh_tokens_live_idx') ?? '', /\(family_id\) where \(?consumed_at is null\)?/);
    assert.match(byName.get('refresh_tokens_grace_idx') ?? '', /\(family_id\) where \(?grace_until is not null\)?/);
  });

  if (kind === 'sqlite') {
    it('SQLite plans the rotation statements on them (not on the index of every token of the family)', async () => {
      const plan = async (statement: string) => {
        const rows = (await sql<{ detail: string }>`explain query plan ${sql.raw(statement)}`.execute(opened.db)).rows;
        return rows.map((r) => r.detail).join('; ');
      };
      assert.match(
        await plan(`update "refresh_tokens" set "consumed_at" = 1 where "family_id" = 'f' and "consumed_at" is null`),
        /USING INDEX refresh_tokens_live_idx/,
      );
      assert.match(
        await plan(`update "refresh_tokens" set "grace_until" = null where "family_id" = 'f' and "token_hash" != 'h' and "grace_until" is not null`),
        /USING INDEX refresh_tokens_grace_idx/,
      );
    });
  }
});
