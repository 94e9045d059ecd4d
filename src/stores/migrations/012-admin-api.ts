import type { Kysely } from 'kysely';

/**
 * The admin API (issue 14 A): trusted_applications.admin_api marks the apps an administrator allowed to
 * request the scope `trustgate:admin` (0 for every existing app; the built-in console app sets it at start).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').addColumn('admin_api', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('trusted_applications').dropColumn('admin_api').execute();
}
