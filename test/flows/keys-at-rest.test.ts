import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, postgresSkipReason, type TestDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import type { StoredSigningKey } from '../../src/stores/keys.js';
import { decryptPrivateKey } from '../../src/keys/key-encryption.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { runMain, spawnServer, type SpawnedServer } from '../cli/spawn-server.js';
import { runCli } from '../cli/run-cli.js';
import { failedWith, json, succeeded } from '../cli/assertions.js';

/** The process exits non-zero with exactly one line on stderr, which names the variable. */
function refusedToStart(result: { code: number | null; stdout: string; stderr: string }, line: string): void {
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stderr, `${line}\n`);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

async function storedKeys(databaseUrl: string): Promise<StoredSigningKey[]> {
  const store = await openStore(databaseUrl);
  try {
    return await store.keys.list();
  } finally {
    await store.close();
  }
}

/** The warnings (pino level 40) a spawned server logged. */
function warnings(server: SpawnedServer): string[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => entry.level === 40)
    .map((entry) => entry.msg);
}

async function assertDecryptsToPem(row: StoredSigningKey, secret: string): Promise<void> {
  assert.equal(row.encrypted, true);
  assert.doesNotMatch(row.privateKey, /BEGIN|PRIVATE KEY/);
  assert.match(row.privateKey, /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){4}$/, 'a compact JWE');
  assert.match(await decryptPrivateKey(row.privateKey, secret), /^-----BEGIN PRIVATE KEY-----\n/);
}

const DB_ENV = { LOG_LEVEL: 'silent' };

describe('keys at rest on SQLite without KEY_ENCRYPTION_SECRET: the key-secret file', () => {
  let db: TestDatabase;
  let file: string;
  let server: SpawnedServer | undefined;
  before(async () => {
    db = await createTestDatabase('sqlite');
    file = `${db.url.slice('sqlite:'.length)}.key-secret`;
  });
  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('the first start creates <database>.key-secret with mode 0600 and encrypts the key with it; restarts and the CLI reuse it', async () => {
    assert.equal(fs.existsSync(file), false);
    server = await spawnServer({ databaseUrl: db.url });
    await server.stop();
    assert.deepEqual(warnings(server), [], 'nothing to warn about: the key is encrypted');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const secret = fs.readFileSync(file, 'utf8').trim();
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
    const [first] = await storedKeys(db.url);
    await assertDecryptsToPem(first!, secret);
    assert.equal(fs.readFileSync(db.url.slice('sqlite:'.length)).includes(secret), false, 'the secret is never inside the database');

    server = await spawnServer({ databaseUrl: db.url });
    const jwks = (await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: { kid: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid), [first!.kid], 'the restarted server decrypted and kept its key');
    await server.stop();
    server = undefined;
    assert.equal(fs.readFileSync(file, 'utf8').trim(), secret, 'the file is reused, never rewritten');

    // the CLI, in the same environment, finds the same file
    succeeded(await runCli(['keys', 'rotate', '--now'], { env: { ...DB_ENV, DATABASE_URL: db.url } }));
    const rows = await storedKeys(db.url);
    assert.equal(rows.length, 2);
    for (const row of rows) await assertDecryptsToPem(row, secret);
  });

  it('a key-secret file open to other users, not a file, or without a secret stops start-up and the CLI with one sentence', async () => {
    const chmod = `the key-secret file ${file} is open to other users (mode 0644); restrict it with chmod 600 ${file}, or set KEY_ENCRYPTION_SECRET.`;
    const secret = fs.readFileSync(file, 'utf8');
    fs.chmodSync(file, 0o644);
    refusedToStart(await runMain({ ...DB_ENV, DATABASE_URL: db.url }), `trustgate: ${chmod}`);
    failedWith(await runCli(['keys', 'rotate'], { env: { DATABASE_URL: db.url } }), `trustgate: ${chmod}`);
    fs.chmodSync(file, 0o640);
    refusedToStart(await runMain({ ...DB_ENV, DATABASE_URL: db.url }), `trustgate: ${chmod.replaceAll('0644', '0640')}`);

    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, 'short\n');
    refusedToStart(
      await runMain({ ...DB_ENV, DATABASE_URL: db.url }),
      `trustgate: the key-secret file ${file} does not hold a secret of at least 16 characters; restore it from a backup, or set KEY_ENCRYPTION_SECRET.`,
    );

    fs.rmSync(file);
    fs.mkdirSync(file);
    refusedToStart(
      await runMain({ ...DB_ENV, DATABASE_URL: db.url }),
      `trustgate: the key-secret file ${file} is not a regular file, or set KEY_ENCRYPTION_SECRET.`,
    );
    fs.rmdirSync(file);

    fs.writeFileSync(file, secret, { mode: 0o600 });
    server = await spawnServer({ databaseUrl: db.url });
    await server.stop();
    server = undefined;
  });

  it('without its file, a database whose keys are encrypted refuses to start and creates no new file', async () => {
    const secret = fs.readFileSync(file, 'utf8').trim();
    fs.renameSync(file, `${file}.moved`);
    const current = (await storedKeys(db.url)).at(-1)!;
    refusedToStart(
      await runMain({ ...DB_ENV, DATABASE_URL: db.url }),
      `trustgate: KEY_ENCRYPTION_SECRET is not set, but the signing key ${current.kid} in the database is encrypted; set it to the secret the keys were encrypted with.`,
    );
    assert.equal(fs.existsSync(file), false, 'no new secret replaces the lost one');
    refusedToStart(
      await runMain({ ...DB_ENV, DATABASE_URL: db.url, KEY_ENCRYPTION_SECRET: 'some other secret value' }),
      `trustgate: KEY_ENCRYPTION_SECRET does not decrypt the signing key ${current.kid}; use the secret the keys were encrypted with (the same on every node).`,
    );
    // the secret from the file, given as KEY_ENCRYPTION_SECRET, works without the file
    server = await spawnServer({ databaseUrl: db.url, env: { KEY_ENCRYPTION_SECRET: secret } });
    await server.stop();
    server = undefined;
    fs.writeFileSync(file, 'another secret of enough length\n', { mode: 0o600 });
    refusedToStart(
      await runMain({ ...DB_ENV, DATABASE_URL: db.url }),
      `trustgate: the key-secret file ${file} does not decrypt the signing key ${current.kid}; set KEY_ENCRYPTION_SECRET to the secret the keys were encrypted with.`,
    );
  });
});

describe('keys at rest on PostgreSQL: KEY_ENCRYPTION_SECRET is required', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  let server: SpawnedServer | undefined;
  const noSecret = { KEY_ENCRYPTION_SECRET: '' };
  before(async () => {
    db = await createTestDatabase('postgres');
  });
  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('without it the server and the commands that need keys refuse, naming the variable; ALLOW_PLAINTEXT_KEYS=true starts with a warning', async () => {
    const refusal =
      'trustgate: KEY_ENCRYPTION_SECRET is not set: with PostgreSQL every node needs the same secret to encrypt and decrypt the signing keys (or set ALLOW_PLAINTEXT_KEYS=true to store them unencrypted).';
    refusedToStart(await runMain({ ...DB_ENV, ...noSecret, DATABASE_URL: db.url }), refusal);
    const cliEnv = { ...noSecret, DATABASE_URL: db.url };
    failedWith(await runCli(['keys', 'rotate'], { env: cliEnv }), refusal);
    failedWith(await runCli(['keys', 'encrypt'], { env: cliEnv }), refusal);
    succeeded(await runCli(['app', 'list'], { env: cliEnv })); // commands that need no keys work
    assert.deepEqual(await storedKeys(db.url), []);

    server = await spawnServer({ databaseUrl: db.url, env: { ...noSecret, ALLOW_PLAINTEXT_KEYS: 'true' } });
    await server.stop();
    assert.deepEqual(warnings(server), [
      'ALLOW_PLAINTEXT_KEYS=true and KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted in the database',
    ]);
    server = undefined;
    const [key] = await storedKeys(db.url);
    assert.equal(key!.encrypted, false);
    assert.match(key!.privateKey, /^-----BEGIN PRIVATE KEY-----/);
  });
});

describeEachDatabase('trustgate keys encrypt', (database) => {
  const secret = 'the secret every node shares';
  let server: SpawnedServer | undefined;
  after(async () => server?.stop());

  it('encrypts the plain keys with the configured secret, reports how many, and changes nothing when run again', async () => {
    const url = database().url;
    const plain = { KEY_ENCRYPTION_SECRET: '', ALLOW_PLAINTEXT_KEYS: 'true' };
    server = await spawnServer({ databaseUrl: url, env: plain });
    await server.stop();
    assert.deepEqual(warnings(server), [
      'ALLOW_PLAINTEXT_KEYS=true and KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted in the database',
    ]);
    server = undefined;
    const [before] = await storedKeys(url);
    assert.equal(before!.encrypted, false);

    failedWith(
      await runCli(['keys', 'encrypt'], { env: { ...plain, DATABASE_URL: url } }),
      'trustgate: KEY_ENCRYPTION_SECRET is not set (ALLOW_PLAINTEXT_KEYS=true): there is no secret to encrypt the signing keys with.',
    );
    const env = { DATABASE_URL: url, KEY_ENCRYPTION_SECRET: secret };
    const first = await runCli(['keys', 'encrypt'], { env });
    succeeded(first);
    assert.equal(first.stdout, 'Encrypted 1 signing key; 0 already were.\n');
    const [after] = await storedKeys(url);
    assert.equal(after!.kid, before!.kid, 'the same key, now encrypted');
    await assertDecryptsToPem(after!, secret);
    assert.equal(await decryptPrivateKey(after!.privateKey, secret), before!.privateKey);
    assert.deepEqual(json(await runCli(['keys', 'encrypt', '--json'], { env })), { encrypted: 0, alreadyEncrypted: 1 });

    // nodes now need the secret
    refusedToStart(
      await runMain({ ...DB_ENV, ...plain, DATABASE_URL: url }),
      `trustgate: KEY_ENCRYPTION_SECRET is not set, but the signing key ${before!.kid} in the database is encrypted; set it to the secret the keys were encrypted with.`,
    );
    server = await spawnServer({ databaseUrl: url, env: { KEY_ENCRYPTION_SECRET: secret } });
    await server.stop();
    assert.deepEqual(warnings(server), []);
    server = undefined;
  });

  it('two runs at once encrypt each key once', async () => {
    const store = await openStore(database().url);
    const other = await openStore(database().url);
    try {
      const plainRing = new KeyRing(store.keys, { encryptionSecret: undefined, defaultAlg: 'RS256', now: Date.now });
      await plainRing.rotate({ immediately: true, keepPublishedSeconds: 3600 });
      await plainRing.ensureKeys(['ES256', 'EdDSA']);
      const plainCount = (await store.keys.list()).filter((key) => !key.encrypted).length;
      assert.equal(plainCount, 3);
      const rings = [store, other].map((s) => new KeyRing(s.keys, { encryptionSecret: secret, defaultAlg: 'RS256', now: Date.now }));
      const results = await Promise.all(rings.map((ring) => ring.encryptPlainKeys()));
      assert.equal(results[0]!.encrypted + results[1]!.encrypted, plainCount, JSON.stringify(results));
      for (const row of await store.keys.list()) await assertDecryptsToPem(row, secret);
    } finally {
      await store.close();
      await other.close();
    }
  });
});

describe('keys at rest on SQLite: second-factor secrets use the same key-secret file', () => {
  it('a TOTP secret is stored encrypted with the secret from the file, and read back', async () => {
    const { startTestServer } = await import('../support/server.js');
    const { createTestUser } = await import('../support/fixtures.js');
    const { startTotpEnrolment, resumeTotpEnrolment } = await import('../../src/second-factors/totp.js');
    const db = await createTestDatabase('sqlite');
    const server = await startTestServer({ databaseUrl: db.url });
    try {
      const ctx = server.app.ctx;
      assert.ok(fs.existsSync(`${db.url.slice('sqlite:'.length)}.key-secret`));
      const { user } = await createTestUser(ctx, { login: 'totp-user' });
      const enrolment = await startTotpEnrolment(ctx, user);
      const stored = await ctx.store.secondFactors.pendingTotp(user.id, enrolment.credentialId);
      assert.match(stored!.secret, /^jwe:/, 'not stored in plain text');
      assert.ok(!stored!.secret.includes(enrolment.secret));
      assert.equal((await resumeTotpEnrolment(ctx, user, enrolment.credentialId))!.secret, enrolment.secret);
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
