import type { Kysely } from 'kysely';

/**
 * Service apps and client authentication with signed assertions (issue 12 C, D).
 * - trusted_applications.system_user_id: the user a service app acts as (client_credentials); null: none.
 * - trusted_applications.jwks / jwks_uri: the app's public keys for private_key_jwt, by value (JSON) or by URL.
 * - client_assertion_jtis: each client assertion's `jti` is used once; kept until the assertion expires.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').addColumn('system_user_id', 'varchar(64)').execute();
  await db.schema.alterTable('trusted_applications').addColumn('jwks', 'text').execute();
  await db.schema.alterTable('trusted_applications').addColumn('jwks_uri', 'varchar(2048)').execute();

  await db.schema
    .createTable('client_assertion_jtis')
    .addColumn('jti_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('client_assertion_jtis_expires_idx').on('client_assertion_jtis').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('client_assertion_jtis').ifExists().execute();
  await db.schema.alterTable('trusted_applications').dropColumn('jwks_uri').execute();
  await db.schema.alterTable('trusted_applications').dropColumn('jwks').execute();
  await db.schema.alterTable('trusted_applications').dropColumn('system_user_id').execute();
}
