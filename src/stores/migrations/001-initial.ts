import type { Kysely } from 'kysely';

/** The first schema: every table of the product. Portable DDL only (both dialects run it). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trusted_applications')
    .addColumn('client_id', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('display_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('client_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('login_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('allow_internal_users', 'integer', (c) => c.notNull())
    .addColumn('allow_community_users', 'integer', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('allow_refresh_tokens', 'integer', (c) => c.notNull())
    .addColumn('require_consent', 'integer', (c) => c.notNull())
    .addColumn('access_token_lifetime', 'integer', (c) => c.notNull())
    .addColumn('refresh_token_lifetime', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('client_secrets')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(512)', (c) =>
      c.notNull().references('trusted_applications.client_id').onDelete('cascade'),
    )
    .addColumn('secret_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('description', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('client_secrets_client_idx').on('client_secrets').column('client_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('login', 'varchar(200)', (c) => c.notNull())
    .addColumn('login_key', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('display_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)')
    .addColumn('email_verified', 'integer', (c) => c.notNull())
    .addColumn('locale', 'varchar(35)')
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('alg', 'varchar(10)', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('encrypted', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('publish_until', 'bigint')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('sid', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('interactions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('browser_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('csrf_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)')
    .addColumn('session_id_hash', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('interactions_expires_idx').on('interactions').column('expires_at').execute();

  await db.schema
    .createTable('authorization_codes')
    .addColumn('code_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'varchar(128)')
    .addColumn('code_challenge_method', 'varchar(10)')
    .addColumn('nonce', 'text')
    .addColumn('sid', 'varchar(64)', (c) => c.notNull())
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .addColumn('issued_family_id', 'varchar(64)')
    .addColumn('issued_access_jti', 'varchar(64)')
    .addColumn('issued_access_expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('codes_expires_idx').on('authorization_codes').column('expires_at').execute();

  await db.schema
    .createTable('refresh_families')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('sid', 'varchar(64)', (c) => c.notNull())
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_reason', 'varchar(100)')
    .execute();
  await db.schema.createIndex('refresh_families_expires_idx').on('refresh_families').column('expires_at').execute();
  await db.schema.createIndex('refresh_families_user_client_idx').on('refresh_families').columns(['user_id', 'client_id']).execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('family_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .addColumn('access_jti', 'varchar(64)')
    .addColumn('access_expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').column('family_id').execute();

  await db.schema
    .createTable('consents')
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('consents_pk', ['user_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('throttles')
    .addColumn('key', 'varchar(300)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('revoked_access_tokens')
    .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revoked_access_expires_idx').on('revoked_access_tokens').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'revoked_access_tokens', 'throttles', 'consents', 'refresh_tokens', 'refresh_families',
    'authorization_codes', 'interactions', 'sessions', 'signing_keys', 'users', 'client_secrets',
    'trusted_applications',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
