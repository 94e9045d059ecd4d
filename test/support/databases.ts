import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

const PG_SKIP_REASON =
  'TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test): PostgreSQL tests skipped';

/** Whether PostgreSQL tests can run here; in CI a missing TEST_DATABASE_URL is an error, not a skip. */
export function postgresSkipReason(): string | false {
  if (process.env.TEST_DATABASE_URL) return false;
  if (process.env.CI) throw new Error('TEST_DATABASE_URL must be set in CI');
  return PG_SKIP_REASON;
}

/** A fresh database: a temporary SQLite file, or a new schema in the PostgreSQL test database. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-test-'));
    return {
      kind,
      url: `sqlite:${path.join(dir, 'trustgate.db')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error(PG_SKIP_REASON);
  const schema = `tg_test_${randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * Declares the suite once per database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set).
 * `database()` returns the suite's fresh database once its `before` hook ran; `kind` names the database
 * while the suite is declared (e.g. to mark a test `todo` on one database only).
 *
 * node:test runs `after` hooks in the order they were registered, so the drop is registered after the
 * suite's own hooks: the servers, stores and processes a suite closes in its `after` are closed before
 * their database goes away (registered first, the drop ran while they were still using it).
 */
export function describeEachDatabase(
  title: string,
  suite: (database: () => TestDatabase, kind: DatabaseKind) => void,
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const skip = kind === 'postgres' ? postgresSkipReason() : false;
    describe(`${title} [${kind}]`, { skip }, () => {
      let db: TestDatabase | undefined;
      before(async () => {
        db = await createTestDatabase(kind);
      });
      suite(() => {
        if (!db) throw new Error('test database not ready');
        return db;
      }, kind);
      after(async () => {
        await db?.drop();
      });
    });
  }
}

/** The key-encryption secret test servers, nodes and CLI runs share on PostgreSQL, where one is required. */
export const TEST_KEY_ENCRYPTION_SECRET = 'trustgate test key-encryption secret';

/**
 * KEY_ENCRYPTION_SECRET for a PostgreSQL test database, unless `env` makes its own choice (a secret, an
 * empty one to test its absence, or ALLOW_PLAINTEXT_KEYS). SQLite needs none: the server and the CLI
 * share the key-secret file next to the database.
 */
export function testKeyEnv(databaseUrl: string | undefined, env: Record<string, string | undefined> = {}): Record<string, string> {
  if (!databaseUrl?.startsWith('postgres') || 'KEY_ENCRYPTION_SECRET' in env || 'ALLOW_PLAINTEXT_KEYS' in env) return {};
  return { KEY_ENCRYPTION_SECRET: TEST_KEY_ENCRYPTION_SECRET };
}
