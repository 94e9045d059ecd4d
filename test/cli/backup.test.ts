import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { startTestServer } from '../support/server.js';
import { openStore } from '../../src/stores/store.js';
import { runCli } from './run-cli.js';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

describe('trustgate backup on a live SQLite server', () => {
  let db: TestDatabase;
  let server: SpawnedServer;
  let env: Record<string, string>;
  let dir: string;
  before(async () => {
    db = await createTestDatabase('sqlite');
    server = await spawnServer({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn' } });
    env = { DATABASE_URL: db.url, ISSUER_URL: server.issuer };
    dir = path.dirname(db.url.slice('sqlite:'.length));
    const created = await runCli(['app', 'create', 'backed.up/app', '--name', 'Backed Up', '--type', 'public', '--redirect-uri', 'https://app.example.com/cb'], { env });
    assert.equal(created.code, 0, created.stderr);
    const user = await runCli(['user', 'create', 'jane', '--name', 'Jane', '--kind', 'internal', '--password-stdin'], { env, input: 'correct horse battery staple\n' });
    assert.equal(user.code, 0, user.stderr);
  });
  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('copies the database and its key-secret file; the copy opens, holds the data, and a server starts on it', async () => {
    const file = path.join(dir, 'backup', 'trustgate-backup.db');
    fs.mkdirSync(path.dirname(file));
    // the server keeps serving (and writing) while the backup runs
    const traffic = Promise.all(Array.from({ length: 20 }, () => fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)));
    const result = await runCli(['backup', file, '--json'], { env });
    await traffic;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { database: file, keySecretFile: `${file}.key-secret` });
    assert.equal(fs.statSync(`${file}.key-secret`).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(`${file}.key-secret`, 'utf8'), fs.readFileSync(`${db.url.slice('sqlite:'.length)}.key-secret`, 'utf8'));

    const copy = await openStore(`sqlite:${file}`);
    try {
      assert.equal((await copy.apps.get('backed.up/app'))?.displayName, 'Backed Up');
      assert.equal((await copy.users.getByLogin('jane'))?.displayName, 'Jane');
      assert.deepEqual(await copy.migrate(), [], 'fully migrated');
    } finally {
      await copy.close();
    }
    // on the live database's audit trail, with the CLI user as actor
    const audit = await runCli(['audit', '--action', 'database_backed_up', '--json'], { env });
    assert.equal(audit.code, 0, audit.stderr);
    const events = JSON.parse(audit.stdout) as { action: string; actor: string; targetType: string; targetId: string }[];
    assert.equal(events.length, 1);
    assert.match(events[0]!.actor, /^cli:/);
    assert.equal(events[0]!.targetType, 'database');
    assert.equal(events[0]!.targetId, file);

    // restored: a server on the copy decrypts its signing keys with the copied key-secret file
    const restored = await startTestServer({ databaseUrl: `sqlite:${file}` });
    try {
      const original = (await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: { kid: string }[] };
      const jwks = (await (await fetch(`${restored.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: { kid: string }[] };
      assert.deepEqual(jwks.keys.map((k) => k.kid), original.keys.map((k) => k.kid));
      assert.ok(await restored.app.ctx.keys.current(), 'the restored signing key decrypts');
    } finally {
      await restored.close();
    }
  });

  it('never overwrites: an existing file is refused with one line', async () => {
    const file = path.join(dir, 'exists.db');
    fs.writeFileSync(file, 'keep me');
    const result = await runCli(['backup', file], { env });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `trustgate: ${file} already exists; choose a new file name (a backup never overwrites)\n`);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  });

  it('prints where the copies went', async () => {
    const file = path.join(dir, 'plain.db');
    const result = await runCli(['backup', file], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Backed up the database to ${file}\\.\\nCopied the key-secret file to ${file}\\.key-secret`));
  });
});

describe('trustgate backup on PostgreSQL', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('postgres');
  });
  after(async () => db?.drop());

  it('is refused, pointing at pg_dump', async () => {
    const result = await runCli(['backup', '/tmp/never-written.db'], { env: { DATABASE_URL: db.url } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^trustgate: trustgate backup copies SQLite databases; back up PostgreSQL with its own tools \(pg_dump\)/);
    assert.ok(!fs.existsSync('/tmp/never-written.db'));
  });
});
