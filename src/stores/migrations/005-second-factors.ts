import type { Kysely } from 'kysely';

/**
 * Second factors: TOTP credentials (the secret encrypted at rest, the last accepted time step so a code
 * is never accepted twice), recovery codes (hashes, single use), the per-user and per-app "require a
 * second factor" policy, and the half-finished sign-in an interaction carries between the password and
 * the second factor.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('totp_credentials')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_used_step', 'bigint')
    .execute();
  await db.schema.createIndex('totp_credentials_user').on('totp_credentials').column('user_id').execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('code_hash', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();
  await db.schema.alterTable('users').addColumn('require_mfa', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('trusted_applications').addColumn('require_mfa', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // the user who passed the first factor of this interaction, and how (JSON amr), until the second completes
  await db.schema.alterTable('interactions').addColumn('pending_user_id', 'varchar(64)').execute();
  await db.schema.alterTable('interactions').addColumn('pending_amr', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('interactions').dropColumn('pending_amr').execute();
  await db.schema.alterTable('interactions').dropColumn('pending_user_id').execute();
  await db.schema.alterTable('trusted_applications').dropColumn('require_mfa').execute();
  await db.schema.alterTable('users').dropColumn('require_mfa').execute();
  await db.schema.dropTable('recovery_codes').execute();
  await db.schema.dropTable('totp_credentials').execute();
}
