import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  kind: DatabaseKind;
  url: string;
  /** where it lives, for the report (no credentials) */
  label: string;
  drop(): Promise<void>;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, empty database: a SQLite file in a temporary folder, or a new schema in PostgreSQL. */
export async function createBenchDatabase(kind: DatabaseKind, name: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `trustgate-bench-${name}-`));
    const file = path.join(dir, 'trustgate.db');
    return {
      kind,
      url: `sqlite:${file}`,
      label: `SQLite file (WAL) in ${os.tmpdir()}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = process.env.TEST_DATABASE_URL || DEFAULT_POSTGRES_URL;
  const schema = `tg_bench_${name.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const version = (await admin.query('show server_version')).rows[0]?.server_version as string | undefined;
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    kind,
    url: url.toString(),
    label: `PostgreSQL ${version ?? ''} at ${url.host}, fresh schema`,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
