import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely, type Migration } from 'kysely';
import { createTestDatabase, describeEachDatabase, postgresSkipReason } from '../support/databases.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/stores/kysely/open-database.js';
import type { Database } from '../../src/stores/kysely/schema.js';
import { openStore } from '../../src/stores/store.js';
import * as m001 from '../../src/stores/migrations/001-initial.js';
import * as m014 from '../../src/stores/migrations/014-refresh-rotation-function.js';

const T = Date.parse('2027-01-01T00:00:00Z');

const provider = (migrations: Record<string, Migration>) => ({ getMigrations: async () => migrations });
const ok: Migration = { up: async (db: Kysely<any>) => void (await db.schema.createTable('probe_ok').addColumn('id', 'integer').execute()) };
const broken: Migration = { up: async () => { throw new Error('column "x" does not exist'); } };

/** A failed migration says which one failed, or which step before the migrations did. */
describeEachDatabase('migrations: failures name what failed', (database) => {
  let opened: OpenDatabase;
  before(async () => {
    opened = await openDatabase(database().url);
  });
  after(async () => opened?.close());

  it('a migration that throws is named, with its error', async () => {
    await assert.rejects(migrateToLatest(opened.db, provider({ '001-ok': ok, '002-broken': broken })), {
      message: 'migration 002-broken failed: column "x" does not exist',
    });
  });

  it('a migration numbered below one already applied still runs (numbers are reserved per feature)', async () => {
    const probe = (table: string): Migration => ({ up: async (db: Kysely<any>) => void (await db.schema.createTable(table).addColumn('id', 'integer').execute()) });
    const fresh = await createTestDatabase(database().kind);
    const own = await openDatabase(fresh.url);
    try {
      assert.deepEqual(await migrateToLatest(own.db, provider({ '001-a': probe('probe_a'), '005-c': probe('probe_c') })), ['001-a', '005-c']);
      assert.deepEqual(await migrateToLatest(own.db, provider({ '001-a': probe('probe_a'), '003-b': probe('probe_b'), '005-c': probe('probe_c') })), ['003-b']);
      await sql`select id from probe_b`.execute(own.db);
    } finally {
      await own.close();
      await fresh.drop();
    }
  });

  it('a database migrated by a newer version names the unknown migration', async () => {
    const db = opened.db as Kysely<Database & { kysely_migration: { name: string; timestamp: string } }>;
    await db.insertInto('kysely_migration').values({ name: '999-from-the-future', timestamp: new Date().toISOString() }).execute();
    await assert.rejects(migrateToLatest(opened.db, provider({ '001-ok': ok })), {
      message:
        'the database was migrated by a newer Trustgate: its migration 999-from-the-future is unknown to this version (latest known: 001-ok); run that version or a newer one',
    });
    await sql`delete from kysely_migration where name = '999-from-the-future'`.execute(opened.db);
  });
});

describe('migrations while other schemas come and go (PostgreSQL)', { skip: postgresSkipReason() }, () => {
  it('a migration never trips over a schema another connection drops at that moment', async () => {
    const base = process.env.TEST_DATABASE_URL!;
    const { default: pg } = await import('pg');
    const churners = [new pg.Client({ connectionString: base }), new pg.Client({ connectionString: base })];
    for (const client of churners) await client.connect();
    let stop = false;
    // other installations (or test runs) creating and dropping schemas with tables, as fast as they can
    const churning = churners.map(async (churn, c) => {
      for (let i = 0; !stop; i++) {
        const name = `tg_churn_${process.pid}_${c}_${i}`;
        await churn.query(`create schema ${name}; create table ${name}.t (id serial primary key, v text); drop schema ${name} cascade`);
      }
    });
    try {
      for (let run = 0; run < 30; run++) {
        const database = await createTestDatabase('postgres');
        const opened = await openDatabase(database.url);
        try {
          assert.ok((await migrateToLatest(opened.db)).includes('001-initial'));
        } finally {
          await opened.close();
          await database.drop();
        }
      }
    } finally {
      stop = true;
      await Promise.all(churning);
      for (const client of churners) await client.end();
    }
  });
});

describeEachDatabase('migration 006 on a database with keys and apps', (database) => {
  it('keeps existing keys published and signing from their creation, superseding nothing; apps follow SIGNING_ALG', async () => {
    const opened = await openDatabase(database().url);
    try {
      await migrateToLatest(opened.db, { getMigrations: async () => ({ '001-initial': m001 }) });
      const legacy = { alg: 'RS256', public_jwk: '{}', private_key: 'pem', encrypted: 0, retired_at: null, publish_until: null };
      const db = opened.db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
      await db.insertInto('signing_keys').values([
        { ...legacy, kid: 'old', created_at: T, retired_at: T + 10, publish_until: T + 20 },
        { ...legacy, kid: 'new', created_at: T + 10 },
      ]).execute();
      await db.insertInto('trusted_applications').values({
        client_id: 'app', display_name: 'App', client_type: 'public', login_redirect_uris: '[]', logout_redirect_uris: '[]',
        allow_internal_users: 1, allow_community_users: 0, scopes: '', allow_refresh_tokens: 1, require_consent: 1,
        access_token_lifetime: 3600, refresh_token_lifetime: 86400, enabled: 1, created_at: T, updated_at: T,
      }).execute();
      assert.ok((await migrateToLatest(opened.db)).includes('006-key-stages-and-app-algorithms'));
    } finally {
      await opened.close();
    }
    const store = await openStore(database().url);
    try {
      const keys = await store.keys.list();
      assert.deepEqual(
        keys.map((k) => [k.kid, k.publishFrom, k.signFrom, k.supersedes, k.retiredAt]),
        [['old', T, T, 'legacy:old', T + 10], ['new', T + 10, T + 10, 'legacy:new', null]],
      );
      const app = (await store.apps.get('app'))!;
      assert.deepEqual([app.idTokenSignedResponseAlg, app.accessTokenSigningAlg], [null, null]);
    } finally {
      await store.close();
    }
  });
});

describe('migration 014 (PostgreSQL): the refresh rotation function', { skip: postgresSkipReason() }, () => {
  it('is created in the current schema and down() drops it', async () => {
    const fresh = await createTestDatabase('postgres');
    const own = await openDatabase(fresh.url);
    const functions = async () =>
      (await sql<{ schema: string }>`select n.nspname as schema from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.proname = 'refresh_advance' and n.nspname = current_schema()`.execute(own.db)).rows.length;
    try {
      await migrateToLatest(own.db);
      assert.equal(await functions(), 1);
      await m014.down(own.db);
      assert.equal(await functions(), 0);
    } finally {
      await own.close();
      await fresh.drop();
    }
  });
});
