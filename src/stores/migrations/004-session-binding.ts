import { sql, type Kysely } from 'kysely';

/**
 * Session and browser binding of pending sign-ins:
 * - an interaction names the SSO session it belongs to by its public `sid` (stable when the same user
 *   signs in again and the session gets a new cookie value) instead of the cookie's hash;
 * - an index on (browser_hash, expires_at), so that the server can check in one lookup that a presented
 *   interaction cookie is one it issued for a live interaction.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('interactions').addColumn('session_sid', 'varchar(64)').execute();
  await sql`update interactions set session_sid = (select s.sid from sessions s where s.id_hash = interactions.session_id_hash)
    where session_id_hash is not null`.execute(db);
  await db.schema.alterTable('interactions').dropColumn('session_id_hash').execute();
  await db.schema.createIndex('interactions_browser_idx').on('interactions').columns(['browser_hash', 'expires_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('interactions_browser_idx').execute();
  await db.schema.alterTable('interactions').addColumn('session_id_hash', 'varchar(64)').execute();
  await sql`update interactions set session_id_hash = (select s.id_hash from sessions s where s.sid = interactions.session_sid)
    where session_sid is not null`.execute(db);
  await db.schema.alterTable('interactions').dropColumn('session_sid').execute();
}
