import type { Kysely } from 'kysely';

/**
 * Sign-in throttling without account locks: counters reserved atomically before a password is checked,
 * each with its own window, grouped by account for `trustgate user unlock`. The old `throttles` table
 * (failure counters with a lock) held only short-lived state and is dropped. Also a table for secrets
 * the nodes share (the device-cookie key).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('throttles').ifExists().execute();
  await db.schema
    .createTable('throttle_counters')
    .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('account_key', 'varchar(256)')
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('window_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('throttle_counters_account').on('throttle_counters').column('account_key').execute();
  await db.schema.createIndex('throttle_counters_updated').on('throttle_counters').column('updated_at').execute();
  // e.g. the key that signs device cookies, shared by every node
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute();
  await db.schema.dropTable('throttle_counters').execute();
}
