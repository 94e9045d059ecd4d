import fs from 'node:fs';
import path from 'node:path';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type DatabaseIntrospector,
  type LogEvent,
  type MigrationProvider,
  type MigrationResult,
} from 'kysely';
import { AdminError } from '../../errors/admin-error.js';
import { CurrentSchemaIntrospector } from './schema-introspector.js';
import type { Database } from './schema.js';
import { migrationProvider } from '../migrations/index.js';

import type { Dialect } from '../store-ports.js';
import type { StatementObserver, StatementOperation } from '../statement-observer.js';
import { nameStatements } from './named-statements.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite's online backup into a new file (see Store.backup) */
  backup(destination: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database named by a DATABASE_URL (sqlite:<path> or postgres://...). */
export async function openDatabase(databaseUrl: string, observer?: StatementObserver): Promise<OpenDatabase> {
  const log = observer ? statementLog(observer) : undefined;
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length), log);
  return openPostgres(databaseUrl, log);
}

const OPERATIONS: Record<string, StatementOperation> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

/** Kysely's log hook, timing every statement for the observer (no SQL text or parameters leave here). */
function statementLog(observer: StatementObserver): (event: LogEvent) => void {
  return (event) => {
    const operation = OPERATIONS[event.query.query.kind] ?? 'other';
    observer.statement(operation, event.queryDurationMillis / 1000, event.level === 'error');
  };
}

async function openSqlite(file: string, log?: (event: LogEvent) => void): Promise<OpenDatabase> {
  const { default: SQLite } = await import('better-sqlite3');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  cachePreparedStatements(connection);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: connection }), ...(log ? { log } : {}) });
  const backup = async (destination: string) => {
    // 'wx': the destination must not exist (never overwrite an older backup or a live database)
    fs.closeSync(fs.openSync(destination, 'wx', 0o600));
    try {
      await connection.backup(destination);
    } catch (error) {
      fs.rmSync(destination, { force: true });
      throw error;
    }
  };
  return { db, dialect: 'sqlite', backup, close: () => db.destroy() };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE (the write lock first, waiting up to busy_timeout).
 * Kysely's BEGIN is deferred: with several processes on one file (`WORKERS`), a transaction that
 * reads and then writes gets SQLITE_BUSY at once, without waiting, when another process wrote in
 * between. Within one process transactions are serialized anyway, so this costs nothing there.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running a
 * primary-key lookup. Statements are reused by their SQL text (bounded), which is safe because the
 * driver runs each one to completion synchronously.
 */
function cachePreparedStatements(connection: { prepare: (sql: string) => unknown }, maxEntries = 500): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= maxEntries) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** PostgreSQL, introspected only within the current schema (see CurrentSchemaIntrospector). */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

async function openPostgres(url: string, log?: (event: LogEvent) => void): Promise<OpenDatabase> {
  const { default: pg } = await import('pg');
  // bigint columns hold epoch milliseconds, well inside Number's safe range
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // an unreachable or restarted server must not crash the process; queries report the failure
  pool.on('error', () => undefined);
  nameStatements(pool);
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }), ...(log ? { log } : {}) });
  const backup = async () => {
    throw new AdminError(
      'backup_unsupported',
      'trustgate backup copies SQLite databases; back up PostgreSQL with its own tools (pg_dump), see docs/operations.md',
      { kind: 'invalid' },
    );
  };
  return { db, dialect: 'postgres', backup, close: () => db.destroy() };
}

/**
 * Applies pending migrations (`provider`: the product's own, replaceable in tests). The migrator takes a
 * lock so only one node migrates at a time. A failure names the migration that failed, or says which
 * step before the migrations did.
 */
export async function migrateToLatest(db: Kysely<Database>, provider: MigrationProvider = migrationProvider): Promise<string[]> {
  // Kysely's PostgreSQL introspection lists the tables of every schema, so without naming our schema its
  // migrator takes another schema's kysely_migration tables for ours (several schemas in one database:
  // parallel test runs, or deployments that share a database through search_path).
  const schema = await currentPostgresSchema(db);
  // migration numbers are reserved per change and may land out of order (004 after 005): a pending one
  // whose number is below an applied one still runs; each migration must not depend on higher numbers
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error(describeMigrationFailure(error, results, Object.keys(await provider.getMigrations())));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** One sentence for a failed migration run. */
export function describeMigrationFailure(error: unknown, results: readonly MigrationResult[] | undefined, known: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const failed = results?.find((r) => r.status === 'Error');
  if (failed) return `migration ${failed.migrationName} failed: ${message}`;
  const unknown = /previously executed migration (\S+) is missing/.exec(message);
  if (unknown) {
    return `the database was migrated by a newer Trustgate: its migration ${unknown[1]} is unknown to this version ` +
      `(latest known: ${known.at(-1) ?? 'none'}); run that version or a newer one`;
  }
  return `the migrations could not start (creating or locking the migration tables failed): ${message}`;
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** The schema unqualified names resolve to on PostgreSQL (first on search_path); undefined on SQLite. */
async function currentPostgresSchema(db: Kysely<Database>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}
