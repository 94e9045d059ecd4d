import type { Kysely } from 'kysely';

/**
 * Registered APIs (protected resources, RFC 7662 2.1) with their secrets, and the append-only
 * revocation events the APIs read through the revocation feed.
 * - apis: one row per audience; api_scopes: the scopes that make a token's `aud` include the API. A
 *   scope belongs to at most one API (api_scopes.scope is the primary key).
 * - api_secrets: like client_secrets (SHA-256 hashes only).
 * - trusted_applications.access_tokens: who may issue long-lived reference tokens (none | users | admins);
 *   reference_tokens: those tokens, stored only as SHA-256 hashes.
 * - revocation_events: `seq` is the feed's cursor (assigned as max + 1 while the writer holds the table,
 *   so it grows in commit order); `until` is when the entry stops mattering (pruned after it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('apis')
    .addColumn('audience', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('display_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('api_scopes')
    .addColumn('scope', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('audience', 'varchar(512)', (c) => c.notNull().references('apis.audience').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('api_scopes_audience').on('api_scopes').column('audience').execute();
  await db.schema
    .createTable('api_secrets')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('audience', 'varchar(512)', (c) => c.notNull().references('apis.audience').onDelete('cascade'))
    .addColumn('secret_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('description', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_secrets_audience').on('api_secrets').column('audience').execute();
  await db.schema
    .createTable('revocation_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('value', 'varchar(512)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revocation_events_until').on('revocation_events').column('until').execute();
  await db.schema.alterTable('trusted_applications').addColumn('access_tokens', 'varchar(8)', (c) => c.notNull().defaultTo('none')).execute();
  await db.schema
    .createTable('reference_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('description', 'varchar(200)')
    .addColumn('created_by', 'varchar(8)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('reference_tokens_user').on('reference_tokens').column('user_id').execute();
  await db.schema.createIndex('reference_tokens_client').on('reference_tokens').column('client_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reference_tokens').execute();
  await db.schema.alterTable('trusted_applications').dropColumn('access_tokens').execute();
  await db.schema.dropTable('revocation_events').execute();
  await db.schema.dropTable('api_secrets').execute();
  await db.schema.dropTable('api_scopes').execute();
  await db.schema.dropTable('apis').execute();
}
