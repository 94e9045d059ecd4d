import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, testKeyEnv } from '../support/databases.js';
import { setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, getAuthorizationCode, pkcePair } from '../support/browser.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { AppService } from '../../src/admin/app-service.js';
import { runMain, spawnServer, type SpawnedServer } from '../cli/spawn-server.js';
import { runCli } from '../cli/run-cli.js';
import { freePort } from '../support/server.js';

const CALLBACK = 'https://app.example.com/callback';
const ROUNDS = 4;
const RACERS = 8;

interface LogLine {
  msg: string;
  worker?: number;
  role?: string;
  route?: string;
  workers?: number;
  pid?: number;
  level: number;
}

function logLines(server: SpawnedServer): LogLine[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/**
 * A token request on a connection of its own (no keep-alive pool): the cluster hands each new
 * connection to the next worker, so concurrent requests land on both workers.
 */
function postOnNewConnection(url: string, params: Record<string, string>, basic: { clientId: string; secret: string }): Promise<{ status: number; body: Record<string, string> }> {
  const body = new URLSearchParams(params).toString();
  const credentials = Buffer.from(`${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.secret)}`).toString('base64');
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        authorization: `Basic ${credentials}`,
      },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode!, body: JSON.parse(text) as Record<string, string> });
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen`);
}

/**
 * `trustgate serve --workers 2` (SQLite) and `WORKERS=2` (PostgreSQL): one port, two worker processes
 * sharing the database. Single-use rules are checked black-box through HTTP, with the concurrent
 * requests spread over both workers.
 */
describeEachDatabase('serve with two workers on one port', (database, kind) => {
  let server: SpawnedServer;
  let seeder: RunningApp;
  let world: TokenWorld;
  const auth = () => ({ clientId: world.web.clientId, secret: world.web.secret });

  let metricsPort: number;

  before(async () => {
    metricsPort = await freePort();
    const env = { CLIENT_CACHE_SECONDS: '0', METRICS_PORT: String(metricsPort) };
    // the cluster starts on the empty database: its primary migrates and creates the keys
    server = kind === 'sqlite'
      ? await spawnServer({ databaseUrl: database().url, viaCli: true, args: ['--workers', '2'], env })
      : await spawnServer({ databaseUrl: database().url, env: { ...env, WORKERS: '2' } });
    // the app and user go in through an in-process app on the same database (the workers see them)
    seeder = await createApp(loadConfig({ ISSUER_URL: server.issuer, DATABASE_URL: database().url, LOG_LEVEL: 'silent', ...testKeyEnv(database().url) }));
    world = await setupTokenWorld(seeder.ctx);
    await eventually('both workers listening', () => logLines(server).filter((l) => l.msg === 'worker listening').length === 2);
  });
  after(async () => {
    await server?.stop();
    await seeder?.close();
  });

  async function signIn(scope: string): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, {
      response_type: 'code', client_id: world.web.clientId, redirect_uri: CALLBACK, scope,
      state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    }, { login: world.user.login, password: world.user.password });
    return { code, verifier };
  }

  it('the primary migrated and created the signing key once, before the workers started', () => {
    const lines = logLines(server);
    const created = lines.filter((l) => l.msg === 'signing key created');
    assert.equal(created.length, 1, 'one key, created once');
    assert.equal(created[0]!.role, 'primary');
    assert.ok(lines.some((l) => l.msg === 'database migrated' && l.role === 'primary'));
    assert.ok(!lines.some((l) => l.msg === 'database migrated' && l.worker !== undefined), 'no worker migrated');
    const listening = lines.find((l) => l.msg === 'trustgate listening');
    assert.equal(listening?.role, 'primary');
    assert.equal(listening?.workers, 2);
    assert.deepEqual(new Set(lines.filter((l) => l.msg === 'worker listening').map((l) => l.worker)), new Set([1, 2]));
  });

  it('a code redeemed eight times at once, through both workers: exactly one redemption succeeds', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await signIn('openid offline_access read');
      const params = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier };
      const results = await Promise.all(Array.from({ length: RACERS }, () => postOnNewConnection(`${server.issuer}/connect/token`, params, auth())));
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.body.error ?? 'tokens'))}`);
      for (const loser of results.filter((r) => r.status !== 200)) {
        assert.deepEqual(loser.body, { error: 'invalid_grant', error_description: 'authorization code was already used' });
      }
    }
    // both workers answered token requests (otherwise this proved nothing about two processes)
    await eventually('token requests logged', () => logLines(server).some((l) => l.route?.endsWith('/connect/token')));
    const workers = new Set(logLines(server).filter((l) => l.msg === 'request' && l.route?.endsWith('/connect/token')).map((l) => l.worker));
    assert.deepEqual(workers, new Set([1, 2]));
  });

  it('one /metrics listener, the primary\'s, counts the requests of both workers', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counted = text
      .split('\n')
      .filter((line) => line.startsWith('trustgate_http_requests_total{') && line.includes('/connect/token"'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    // the token requests so far are the code races' (both workers answered some, see above): one worker
    // alone would show only its part
    assert.equal(counted, ROUNDS * RACERS);
  });

  it('a refresh token presented eight times at once, through both workers, within the reuse grace window: all succeed, each with a new token', async () => {
    const { code, verifier } = await signIn('openid offline_access read');
    const tokens = await postOnNewConnection(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, auth());
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const params = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! };
    const results = await Promise.all(Array.from({ length: RACERS }, () => postOnNewConnection(`${server.issuer}/connect/token`, params, auth())));
    assert.deepEqual(results.map((r) => r.status), Array.from({ length: RACERS }, () => 200), JSON.stringify(results.map((r) => r.body.error ?? 'tokens')));
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, RACERS, 'each presentation got its own token');
  });

  it('with the app\'s reuse grace window off: a refresh token presented eight times at once, through both workers: exactly one rotation succeeds', async () => {
    // CLIENT_CACHE_SECONDS=0: both workers read the changed app at once
    await new AppService(seeder.ctx).update(world.web.clientId, { refreshReuseGraceSeconds: 0 });
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await signIn('openid offline_access read');
      const tokens = await postOnNewConnection(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, auth());
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const params = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! };
      const results = await Promise.all(Array.from({ length: RACERS }, () => postOnNewConnection(`${server.issuer}/connect/token`, params, auth())));
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.body.error ?? 'tokens'))}`);
      assert.notEqual(winners[0]!.body.refresh_token, tokens.body.refresh_token, 'rotated');
      for (const loser of results.filter((r) => r.status !== 200)) assert.equal(loser.body.error, 'invalid_grant');
    }
  });

  it('a worker that dies is replaced, and the server keeps answering', async () => {
    const victim = logLines(server).find((l) => l.msg === 'worker listening')!;
    process.kill(victim.pid!, 'SIGKILL');
    await eventually('a third worker listening', () => logLines(server).some((l) => l.msg === 'worker listening' && l.worker === 3));
    assert.ok(logLines(server).some((l) => l.msg === 'worker exited: restarting it' && l.role === 'primary'));
    for (let i = 0; i < 4; i++) {
      const status = await new Promise<number>((resolve, reject) => {
        http.get(`${server.origin}/readyz`, { agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        }).on('error', reject);
      });
      assert.equal(status, 200);
    }
  });

  it('SIGTERM stops the workers, then the primary, with exit code 0', async () => {
    await server.stop();
    assert.equal(server.exitCode(), 0, server.output().slice(-2000));
    const lines = logLines(server);
    assert.ok(lines.some((l) => l.msg === 'shutting down' && l.role === 'primary'));
    assert.equal(lines.filter((l) => l.msg === 'shutting down' && l.worker !== undefined).length, 2, 'both live workers closed');
  });
});

describe('serve with two workers: a start that fails', () => {
  it('trustgate serve --workers refuses what is not 1-64 (usage error, exit 2); WORKERS=2 with sqlite::memory: is refused', async () => {
    for (const bad of ['0', '65', 'two']) {
      const result = await runCli(['serve', '--workers', bad], { env: { DATABASE_URL: 'sqlite::memory:' } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--workers <n>.*expected a whole number between 1 and 64/);
    }
    const { code, stderr } = await runMain({ DATABASE_URL: 'sqlite::memory:', WORKERS: '2', LOG_LEVEL: 'silent' });
    assert.equal(code, 1);
    assert.equal(stderr, 'trustgate: WORKERS must be 1 with DATABASE_URL=sqlite::memory: (each process would have its own database), got 2.\n');
  });

  it('workers that cannot listen (the port is taken): the primary stops them and exits 1, saying why', async () => {
    const db = await createTestDatabase('sqlite');
    const port = await freePort();
    const blocker = http.createServer(() => undefined);
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stderr } = await runMain({ DATABASE_URL: db.url, WORKERS: '2', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
      assert.equal(code, 1);
      assert.match(stderr, /trustgate: worker \d exited \(code 1\) before it was listening; stopping/);
      assert.match(stderr, /EADDRINUSE/, "the worker's own reason is on stderr too");
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await db.drop();
    }
  });
});
