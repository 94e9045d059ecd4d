import type { Kysely } from 'kysely';

/**
 * Pushed authorization requests (RFC 9126).
 * - pushed_authorization_requests: the pushed parameters (JSON) under the SHA-256 of their request_uri,
 *   bound to the app that pushed them, single use (consumed_at) and short-lived (expires_at).
 * - trusted_applications.require_par: the app's authorization requests must be pushed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pushed_authorization_requests')
    .addColumn('uri_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('pushed_authorization_requests_expires_idx').on('pushed_authorization_requests').column('expires_at').execute();
  await db.schema.alterTable('trusted_applications').addColumn('require_par', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').dropColumn('require_par').execute();
  await db.schema.dropTable('pushed_authorization_requests').execute();
}
