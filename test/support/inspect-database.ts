import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from '../../src/stores/kysely/schema.js';
import type { AppContext } from '../../src/context.js';

const open = new Map<string, Kysely<Database>>();

/**
 * A second, direct connection to a test server's database, for assertions about what is stored (e.g.
 * that a code is kept only as its hash). The product itself reaches the database only through the store
 * ports; tests look underneath them here. Connections close when the test process exits.
 */
export async function inspectDatabase(ctx: Pick<AppContext, 'config'>): Promise<Kysely<Database>> {
  const url = ctx.config.databaseUrl;
  const cached = open.get(url);
  if (cached) return cached;
  let db: Kysely<Database>;
  if (url.startsWith('sqlite:')) {
    const { default: SQLite } = await import('better-sqlite3');
    const connection = new SQLite(url.slice('sqlite:'.length));
    connection.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  } else {
    const { default: pg } = await import('pg');
    pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
    const pool = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  open.set(url, db);
  return db;
}
