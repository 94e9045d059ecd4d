import type { Kysely } from 'kysely';

/**
 * DPoP (RFC 9449).
 * - dpop_proofs: the hash of every accepted proof's key thumbprint and jti, until its window ends.
 * - refresh_families.dpop_jkt: the key a public app's refresh tokens are bound to (null: not bound).
 * - trusted_applications.require_dpop: the app's token requests must carry a DPoP proof.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dpop_proofs')
    .addColumn('proof_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dpop_proofs_expires_idx').on('dpop_proofs').column('expires_at').execute();
  await db.schema.alterTable('refresh_families').addColumn('dpop_jkt', 'varchar(64)').execute();
  await db.schema.alterTable('trusted_applications').addColumn('require_dpop', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').dropColumn('require_dpop').execute();
  await db.schema.alterTable('refresh_families').dropColumn('dpop_jkt').execute();
  await db.schema.dropTable('dpop_proofs').execute();
}
