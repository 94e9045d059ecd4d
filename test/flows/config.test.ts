import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runMain } from '../cli/spawn-server.js';

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

  it('SIGNING_ALG, KEY_ROTATION_INTERVAL and ALLOW_PLAINTEXT_KEYS', async () => {
    refusedToStart(await start({ SIGNING_ALG: 'HS256' }), 'trustgate: SIGNING_ALG must be RS256, ES256 or EdDSA, got "HS256".');
    refusedToStart(
      await start({ KEY_ROTATION_INTERVAL: '10m' }),
      'trustgate: KEY_ROTATION_INTERVAL must be a duration between 1h and 3650d such as 90d, or off, got "10m".',
    );
    refusedToStart(await start({ ALLOW_PLAINTEXT_KEYS: 'sure' }), 'trustgate: ALLOW_PLAINTEXT_KEYS must be true or false, got "sure".');
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
