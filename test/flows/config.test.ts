import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../support/databases.js';
import { openStore } from '../../src/stores/store.js';
import { runMain, spawnServer, type SpawnedServer } from '../cli/spawn-server.js';

/** The process exits non-zero with exactly one line on stderr, which names the variable. */
function refusedToStart(result: { code: number | null; stdout: string; stderr: string }, line: string): void {
  assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stderr, `${line}\n`);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

describe('configuration: bad settings stop start-up with one sentence naming the variable', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('sqlite');
  });
  after(async () => db?.drop());
  const start = (env: Record<string, string>) => runMain({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env });

  it('PORT', async () => {
    refusedToStart(await start({ PORT: 'eighty' }), 'trustgate: PORT must be a whole number between 0 and 65535, got "eighty".');
    refusedToStart(await start({ PORT: '70000' }), 'trustgate: PORT must be between 0 and 65535, got 70000.');
  });

  it('ISSUER_URL: http on a non-loopback host, a query, not a URL', async () => {
    refusedToStart(
      await start({ ISSUER_URL: 'http://erp.example.com/id' }),
      'trustgate: ISSUER_URL "http://erp.example.com/id" uses http on a non-loopback host; use https, or set ALLOW_HTTP_ISSUER=true for development only.',
    );
    refusedToStart(
      await start({ ISSUER_URL: 'https://erp.example.com/id?tenant=1' }),
      'trustgate: ISSUER_URL must not contain a query or a fragment (OpenID Connect Discovery 3).',
    );
    refusedToStart(
      await start({ ISSUER_URL: 'erp.example.com/id' }),
      'trustgate: ISSUER_URL must be an absolute URL such as https://erp.example.com/id, got "erp.example.com/id".',
    );
  });

  it('DATABASE_URL', async () => {
    refusedToStart(
      await runMain({ DATABASE_URL: 'mysql://root:pw@db/x', LOG_LEVEL: 'silent' }),
      'trustgate: DATABASE_URL must be sqlite:<path> or postgres://user@host:port/database, got "mysql://root:***@db/x".',
    );
  });

  it('LOG_LEVEL', async () => {
    refusedToStart(
      await start({ LOG_LEVEL: 'verbose' }),
      'trustgate: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose".',
    );
  });

  it('KEY_ENCRYPTION_SECRET that is too short', async () => {
    refusedToStart(await start({ KEY_ENCRYPTION_SECRET: 'short' }), 'trustgate: KEY_ENCRYPTION_SECRET must be at least 16 characters long.');
  });
});

describeEachDatabase('configuration: signing keys at rest', (database) => {
  let server: SpawnedServer | undefined;
  after(async () => server?.stop());

  it('without KEY_ENCRYPTION_SECRET the key is created and a warning is logged', async () => {
    const db = await createTestDatabase(database().kind);
    try {
      server = await spawnServer({ databaseUrl: db.url });
      await server.stop();
      const warnings = server
        .output()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level === 40);
      assert.deepEqual(
        warnings.map((entry) => entry.msg),
        ['KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted in the database'],
      );
    } finally {
      server = undefined;
      await db.drop();
    }
  });

  it('with KEY_ENCRYPTION_SECRET the stored private key is encrypted (not PEM) and no warning is logged', async () => {
    server = await spawnServer({
      databaseUrl: database().url,
      env: { KEY_ENCRYPTION_SECRET: 'correct horse battery staple key' },
      viaCli: true,
    });
    const jwks = (await (await fetch(`${server.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: unknown[] };
    assert.equal(jwks.keys.length, 1);
    await server.stop();
    assert.doesNotMatch(server.output(), /"level":40/);
    const store = await openStore(database().url);
    try {
      const rows = await store.keys.list();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.encrypted, true);
      assert.doesNotMatch(rows[0]!.privateKey, /BEGIN|PRIVATE KEY/);
      assert.match(rows[0]!.privateKey, /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){4}$/, 'a compact JWE');
    } finally {
      await store.close();
    }
  });
});

describe('configuration: an unreachable database', () => {
  it('stops start-up with one line that names DATABASE_URL and hides the password', async () => {
    const result = await runMain({ DATABASE_URL: 'postgres://admin:s3cret@127.0.0.1:1/trustgate', LOG_LEVEL: 'silent' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^trustgate: could not start: cannot use the database \(DATABASE_URL\): .*ECONNREFUSED[^\n]*\n$/);
    assert.ok(!result.stderr.includes('s3cret'));
  });
});

describeEachDatabase('configuration: encrypted signing keys need the right KEY_ENCRYPTION_SECRET', (database) => {
  let server: SpawnedServer | undefined;
  after(async () => server?.stop());

  it('a node without the secret, or with another one, refuses to start, naming KEY_ENCRYPTION_SECRET', async () => {
    server = await spawnServer({ databaseUrl: database().url, env: { KEY_ENCRYPTION_SECRET: 'the secret every node shares' } });
    await server.stop();
    server = undefined;
    const store = await openStore(database().url);
    const [key] = await store.keys.list();
    await store.close();
    refusedToStart(
      await runMain({ DATABASE_URL: database().url, LOG_LEVEL: 'silent' }),
      `trustgate: KEY_ENCRYPTION_SECRET is not set, but the signing key ${key!.kid} in the database is encrypted; set it to the secret the keys were encrypted with.`,
    );
    refusedToStart(
      await runMain({ DATABASE_URL: database().url, LOG_LEVEL: 'silent', KEY_ENCRYPTION_SECRET: 'some other secret value' }),
      `trustgate: KEY_ENCRYPTION_SECRET does not decrypt the signing key ${key!.kid}; use the secret the keys were encrypted with (the same on every node).`,
    );
    server = await spawnServer({ databaseUrl: database().url, env: { KEY_ENCRYPTION_SECRET: 'the secret every node shares' } });
  });
});
