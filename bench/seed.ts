#!/usr/bin/env node
/**
 * Fills a Trustgate store with a large, realistic population, to check that throughput does not
 * depend on the size of the store: refresh-token families (each with its current refresh token,
 * hashed like real ones) and Trusted Applications (each with one hashed secret).
 *
 *   DATABASE_URL=sqlite:./data/big.db node dist/bench/seed.js [--families 1000000] [--apps 100000]
 *   npm run bench -- --seeded          (seeds a fresh store itself and compares it with an empty one)
 *
 * Batched multi-row inserts through Kysely, inside transactions; portable across SQLite and PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Insertable, Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../src/stores/kysely/open-database.js';
import type { Database } from '../src/stores/kysely/schema.js';

const { values } = parseArgs({
  options: {
    families: { type: 'string', default: '1000000' },
    apps: { type: 'string', default: '100000' },
    quiet: { type: 'boolean', default: false },
  },
});
const families = Number(values.families);
const apps = Number(values.apps);
if (!Number.isInteger(families) || families < 0 || !Number.isInteger(apps) || apps < 0) {
  throw new Error('--families and --apps must be whole numbers');
}
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('seed: DATABASE_URL is not set (sqlite:<path> or postgres://…)');

const log = (message: string) => {
  if (!values.quiet) process.stderr.write(`seed: ${message}\n`);
};

/** Rows per INSERT: below SQLite's 32,766 bound variables and PostgreSQL's 65,535. */
const rowsPerInsert = (columns: number) => Math.min(2000, Math.floor(30_000 / columns));
/** INSERTs per transaction */
const INSERTS_PER_TRANSACTION = 25;

const token = () => randomBytes(32).toString('base64url');
const DAY = 86_400_000;

async function insertAll<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  total: number,
  columns: number,
  row: (index: number) => Insertable<Database[T]>,
): Promise<void> {
  const perInsert = rowsPerInsert(columns);
  const perTransaction = perInsert * INSERTS_PER_TRANSACTION;
  const started = performance.now();
  for (let offset = 0; offset < total; offset += perTransaction) {
    const end = Math.min(total, offset + perTransaction);
    await db.transaction().execute(async (trx) => {
      for (let from = offset; from < end; from += perInsert) {
        const rows: Insertable<Database[T]>[] = [];
        for (let i = from; i < Math.min(end, from + perInsert); i++) rows.push(row(i));
        await trx.insertInto(table).values(rows as never).execute();
      }
    });
    if (end === total || (end / perTransaction) % 10 === 0) {
      log(`${table}: ${end.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round((performance.now() - started) / 100) / 10} s)`);
    }
  }
}

const { db, close } = await openDatabase(databaseUrl);
const started = performance.now();
try {
  await migrateToLatest(db);
  const now = Date.now();
  const clientIds = (i: number) => `seed.example/app-${i}`;

  await insertAll(db, 'trusted_applications', apps, 15, (i) => ({
    client_id: clientIds(i),
    display_name: `Seeded app ${i}`,
    client_type: i % 3 === 0 ? ('public' as const) : ('confidential' as const),
    login_redirect_uris: JSON.stringify([`https://app-${i}.seed.example/callback`]),
    logout_redirect_uris: JSON.stringify([`https://app-${i}.seed.example/`]),
    allow_internal_users: 1,
    allow_community_users: i % 2,
    scopes: i % 4 === 0 ? 'read update' : 'read',
    allow_refresh_tokens: 1,
    require_consent: 1,
    require_mfa: 0,
    require_par: 0,
    require_dpop: 0,
    access_tokens: 'none',
    access_token_lifetime: 3600,
    refresh_token_lifetime: 30 * 86400,
    enabled: i % 50 === 0 ? 0 : 1,
    created_at: now - (i % 365) * DAY,
    updated_at: now - (i % 30) * DAY,
  }));
  const confidential = Array.from({ length: apps }, (_, i) => i).filter((i) => i % 3 !== 0);
  await insertAll(db, 'client_secrets', confidential.length, 7, (k) => ({
    id: randomUUID(),
    client_id: clientIds(confidential[k]!),
    secret_hash: token(),
    description: null,
    created_at: now - 30 * DAY,
    expires_at: null,
    revoked_at: null,
  }));

  const familyIds: string[] = [];
  const userIds = Array.from({ length: Math.max(1, Math.ceil(families / 20)) }, () => randomUUID());
  await insertAll(db, 'refresh_families', families, 12, (i) => {
    const id = randomUUID();
    familyIds.push(id);
    const createdAt = now - (i % 29) * DAY - (i % 86_400) * 1000;
    return {
      id,
      client_id: clientIds(apps > 0 ? i % apps : 0),
      user_id: userIds[i % userIds.length]!,
      scope: 'openid offline_access read',
      sid: randomUUID(),
      auth_time: Math.floor(createdAt / 1000),
      amr: '["pwd"]',
      nonce: null,
      created_at: createdAt,
      expires_at: createdAt + 30 * DAY,
      revoked_at: i % 100 === 0 ? now - DAY : null,
      revoked_reason: i % 100 === 0 ? 'user signed out' : null,
    };
  });
  await insertAll(db, 'refresh_tokens', families, 7, (i) => ({
    token_hash: token(),
    family_id: familyIds[i]!,
    scope: 'openid offline_access read',
    created_at: now - (i % 86_400) * 1000,
    consumed_at: null,
    access_jti: randomUUID(),
    access_expires_at: now + 3600_000,
  }));
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  log(`done in ${seconds} s`);
  process.stdout.write(`${JSON.stringify({ families, apps, seconds })}\n`);
} finally {
  await close();
}
