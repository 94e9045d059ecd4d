import { sql, type Kysely } from 'kysely';

/**
 * Staged key rotation and per-app signing algorithms.
 * - signing_keys.publish_from / sign_from: a new key is in the JWKS before it signs anything.
 * - signing_keys.supersedes: the key it replaced, unique, so two nodes that rotate at once add one key.
 *   Existing keys were published and signing from their creation, and supersede nothing (`legacy:<kid>`).
 * - trusted_applications.id_token_signed_response_alg / access_token_signing_alg: null follows SIGNING_ALG.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('publish_from', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('signing_keys').addColumn('sign_from', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('signing_keys').addColumn('supersedes', 'varchar(80)').execute();
  await db
    .updateTable('signing_keys')
    .set({ publish_from: sql`created_at`, sign_from: sql`created_at`, supersedes: sql`'legacy:' || kid` })
    .execute();
  await db.schema.createIndex('signing_keys_supersedes_idx').on('signing_keys').column('supersedes').unique().execute();

  await db.schema.alterTable('trusted_applications').addColumn('id_token_signed_response_alg', 'varchar(10)').execute();
  await db.schema.alterTable('trusted_applications').addColumn('access_token_signing_alg', 'varchar(10)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').dropColumn('access_token_signing_alg').execute();
  await db.schema.alterTable('trusted_applications').dropColumn('id_token_signed_response_alg').execute();
  await db.schema.dropIndex('signing_keys_supersedes_idx').execute();
  await db.schema.alterTable('signing_keys').dropColumn('supersedes').execute();
  await db.schema.alterTable('signing_keys').dropColumn('sign_from').execute();
  await db.schema.alterTable('signing_keys').dropColumn('publish_from').execute();
}
