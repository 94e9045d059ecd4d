import type { Kysely } from 'kysely';

/**
 * The audit trail (append-only; pruned by AUDIT_RETENTION_DAYS and, for each app's failure trail, to its
 * newest events). `details` is small redacted JSON text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'varchar(600)', (c) => c.notNull())
    .addColumn('action', 'varchar(100)', (c) => c.notNull())
    .addColumn('target_type', 'varchar(50)')
    .addColumn('target_id', 'text')
    .addColumn('client_id', 'varchar(512)')
    .addColumn('user_id', 'varchar(64)')
    .addColumn('source_address', 'varchar(100)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_at_idx').on('audit_events').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_events_client_idx').on('audit_events').columns(['client_id', 'outcome', 'at']).execute();
  await db.schema.createIndex('audit_events_user_idx').on('audit_events').columns(['user_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').ifExists().execute();
}
