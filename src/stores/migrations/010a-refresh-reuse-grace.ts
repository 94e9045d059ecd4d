import type { Kysely } from 'kysely';

/**
 * Refresh rotation that survives concurrent use (docs/refresh-tokens.md, "Concurrent refreshes").
 * - refresh_tokens.grace_until: until when a rotated token may be presented again (epoch ms); null: never
 *   (not rotated yet, retired as a sibling, or its window closed by a later rotation).
 * - refresh_families.rotated_at: the last rotation; every rotation updates the family row first, which
 *   serialises a family's rotations on PostgreSQL (row lock) as SQLite's transactions already are.
 * - trusted_applications.refresh_reuse_grace_seconds: the app's window; null follows REFRESH_REUSE_GRACE_SECONDS.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('grace_until', 'bigint').execute();
  await db.schema.alterTable('refresh_families').addColumn('rotated_at', 'bigint').execute();
  await db.schema.alterTable('trusted_applications').addColumn('refresh_reuse_grace_seconds', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').dropColumn('refresh_reuse_grace_seconds').execute();
  await db.schema.alterTable('refresh_families').dropColumn('rotated_at').execute();
  await db.schema.alterTable('refresh_tokens').dropColumn('grace_until').execute();
}
