import { sql, type Kysely } from 'kysely';

/**
 * Partial indexes for the refresh rotation (issue 15). Every rotation retires the family's other live
 * tokens (`consumed_at is null`) and closes its earlier grace windows (`grace_until is not null`). A
 * family keeps every rotated token (reuse detection), so through `refresh_tokens_family_idx` both
 * statements walked the whole chain: about 0.2 ms each after 2,000 rotations, growing with every one.
 * These indexes hold only the live tokens and the open windows: a handful of entries per family.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('refresh_tokens_live_idx').on('refresh_tokens').column('family_id').where(sql.ref('consumed_at'), 'is', null).execute();
  await db.schema.createIndex('refresh_tokens_grace_idx').on('refresh_tokens').column('family_id').where(sql.ref('grace_until'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('refresh_tokens_grace_idx').execute();
  await db.schema.dropIndex('refresh_tokens_live_idx').execute();
}
