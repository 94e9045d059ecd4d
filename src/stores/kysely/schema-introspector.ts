import { sql, type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

/**
 * What Kysely's migrator asks the database (does the migration table exist, does its schema exist),
 * answered for the current schema only. Kysely's own PostgreSQL introspector reads every table of every
 * schema and calls has_schema_privilege() and pg_get_serial_sequence() on each, which fails with
 * `schema "…" does not exist` or `relation "…" does not exist` when another connection drops a schema
 * or table at that moment (parallel test runs; installations sharing a database through schemas), so a
 * start-up migration failed at random. The migrator needs names only.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select schema_name as name from information_schema.schemata where schema_name = current_schema()`.execute(this.db);
    return rows.map((row) => ({ name: row.name }));
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; name: string; type: string }>`
      select table_schema as schema, table_name as name, table_type as type
      from information_schema.tables where table_schema = current_schema()`.execute(this.db);
    return rows.map((row) => ({ schema: row.schema, name: row.name, isView: row.type === 'VIEW', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
