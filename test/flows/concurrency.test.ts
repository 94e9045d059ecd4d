import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, describeEachDatabase, postgresSkipReason, testKeyEnv, type TestDatabase } from '../support/databases.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { postForm, setupTokenWorld, type TokenWorld } from '../support/token-helpers.js';
import { TestBrowser, getAuthorizationCode, pkcePair } from '../support/browser.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp, type RunningApp } from '../../src/app.js';
import { AppService } from '../../src/admin/app-service.js';
import { MAIN } from '../cli/spawn-server.js';
import { ROOT } from '../support/build.js';

const CALLBACK = 'https://app.example.com/callback';
const ROUNDS = 5;

interface Node {
  /** where this node listens, e.g. http://127.0.0.1:40001/id */
  base: string;
  process: ChildProcess;
}

/** Starts the compiled server (test-output/dist/src/main.js) as a separate process and waits until it is ready. */
async function startNode(databaseUrl: string, issuer: string, port: number): Promise<Node> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...testKeyEnv(databaseUrl), HOST: '127.0.0.1', PORT: String(port), ISSUER_URL: issuer, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', CLIENT_CACHE_SECONDS: '0', WORKERS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`node exited: ${stderr}`);
    try {
      if ((await fetch(`${origin}/readyz`)).ok) return { base: `${origin}/id`, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  throw new Error(`node did not become ready: ${stderr}`);
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.process.exitCode !== null) return;
  const exited = new Promise((resolve) => node.process.once('exit', resolve));
  node.process.kill('SIGTERM');
  await exited;
}

function tally(results: { status: number; body: Record<string, any> }[]) {
  const winners = results.filter((r) => r.status === 200);
  const losers = results.filter((r) => r.status !== 200);
  return { winners, losers };
}

describe('concurrency across two server processes sharing PostgreSQL', { skip: postgresSkipReason() }, () => {
  let database: TestDatabase;
  let seeder: RunningApp;
  let world: TokenWorld;
  let nodeA: Node | undefined;
  let nodeB: Node | undefined;
  let issuer: string;

  before(async () => {
    database = await createTestDatabase('postgres');
    const issuerPort = await freePort();
    issuer = `http://127.0.0.1:${issuerPort}/id`;
    // an in-process app migrates the schema and registers the app and user; the nodes share the database
    seeder = await createApp(loadConfig({ ISSUER_URL: issuer, DATABASE_URL: database.url, LOG_LEVEL: 'silent', ...testKeyEnv(database.url) }));
    world = await setupTokenWorld(seeder.ctx);
    // node A listens at the issuer's address (the browser's sign-in pages live there); node B shares the
    // issuer and the database but listens elsewhere, like a second node behind a load balancer
    const started = await Promise.allSettled([startNode(database.url, issuer, issuerPort), startNode(database.url, issuer, await freePort())]);
    // keep the one that did start, so `after` stops it before the schema is dropped
    [nodeA, nodeB] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  after(async () => {
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await seeder?.close();
    await database?.drop();
  });

  const auth = () => ({ basic: { clientId: world.web.clientId, secret: world.web.secret } });

  async function signInAt(node: Node): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(new TestBrowser(), node.base, {
      response_type: 'code', client_id: world.web.clientId, redirect_uri: CALLBACK, scope: 'openid offline_access read',
      state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    }, { login: world.user.login, password: world.user.password });
    return { code, verifier };
  }

  it('two simultaneous redemptions of one code on two nodes: exactly one wins', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await signInAt(nodeA!);
      const params = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier };
      const results = await Promise.all([
        postForm(`${nodeA!.base}/connect/token`, params, auth()),
        postForm(`${nodeB!.base}/connect/token`, params, auth()),
      ]);
      const { winners, losers } = tally(results);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
      assert.equal(losers.length, 1);
      assert.deepEqual(losers[0]!.body, { error: 'invalid_grant', error_description: 'authorization code was already used' });
      // the replay revoked what the winner got (RFC 6749 4.1.2)
      const refresh = await postForm(`${nodeA!.base}/connect/token`, { grant_type: 'refresh_token', refresh_token: winners[0]!.body.refresh_token }, auth());
      assert.equal(refresh.body.error, 'invalid_grant');
    }
  });

  it('two simultaneous refreshes of one token on two nodes: both succeed within the reuse grace window, and the family goes on from one token', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await signInAt(nodeA!);
      const tokens = await postForm(`${nodeB!.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, auth());
      assert.equal(tokens.status, 200);
      const params = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token };
      const results = await Promise.all([
        postForm(`${nodeA!.base}/connect/token`, params, auth()),
        postForm(`${nodeB!.base}/connect/token`, params, auth()),
      ]);
      assert.deepEqual(results.map((r) => r.status), [200, 200], `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
      assert.notEqual(results[0]!.body.refresh_token, results[1]!.body.refresh_token);
      // either tab's token refreshes on; the other sibling is retired by that rotation
      const next = await postForm(`${nodeB!.base}/connect/token`, { grant_type: 'refresh_token', refresh_token: results[round % 2]!.body.refresh_token }, auth());
      assert.equal(next.status, 200, JSON.stringify(next.body));
      const sibling = await postForm(`${nodeA!.base}/connect/token`, { grant_type: 'refresh_token', refresh_token: results[(round + 1) % 2]!.body.refresh_token }, auth());
      assert.equal(sibling.body.error, 'invalid_grant', 'a retired sibling is a reuse');
    }
  });

  it('with the app\'s window switched off (refreshReuseGraceSeconds 0): exactly one wins, and the family is revoked', async () => {
    await new AppService(seeder.ctx).update(world.web.clientId, { refreshReuseGraceSeconds: 0 });
    try {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await signInAt(nodeA!);
      const tokens = await postForm(`${nodeB!.base}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, auth());
      assert.equal(tokens.status, 200);
      const params = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token };
      const results = await Promise.all([
        postForm(`${nodeA!.base}/connect/token`, params, auth()),
        postForm(`${nodeB!.base}/connect/token`, params, auth()),
      ]);
      const { winners, losers } = tally(results);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
      assert.equal(losers.length, 1);
      assert.equal(losers[0]!.body.error, 'invalid_grant');
      assert.ok(losers[0]!.body.error_description.startsWith('refresh token is expired or invalid: '));
      // the loser presented a rotated token: reuse, so the winner's new token is revoked too
      const next = await postForm(`${nodeA!.base}/connect/token`, { grant_type: 'refresh_token', refresh_token: winners[0]!.body.refresh_token }, auth());
      assert.equal(next.body.error, 'invalid_grant');
    }
    } finally {
      await new AppService(seeder.ctx).update(world.web.clientId, { refreshReuseGraceSeconds: null });
    }
  });
});

describeEachDatabase('concurrency within one node', (database) => {
  let server: TestServer;
  let world: TokenWorld;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url });
    world = await setupTokenWorld(server.app.ctx);
  });
  after(async () => server?.close());

  for (const scope of ['openid offline_access read', 'openid read']) {
    it(`eight simultaneous redemptions of one code (scope "${scope}"): exactly one wins`, async () => {
      const { verifier, challenge } = pkcePair();
      const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, {
        response_type: 'code', client_id: world.web.clientId, redirect_uri: CALLBACK, scope,
        state: 's', code_challenge: challenge, code_challenge_method: 'S256',
      }, { login: world.user.login, password: world.user.password });
      const params = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier };
      const results = await Promise.all(
        Array.from({ length: 8 }, () => postForm(`${server.issuer}/connect/token`, params, { basic: { clientId: world.web.clientId, secret: world.web.secret } })),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1);
      for (const r of results.filter((r) => r.status !== 200)) {
        assert.deepEqual(r.body, { error: 'invalid_grant', error_description: 'authorization code was already used' });
      }
      // the replays revoked the winner's access token
      const winner = results.find((r) => r.status === 200)!;
      const userinfo = await fetch(`${server.issuer}/connect/userinfo`, { headers: { authorization: `Bearer ${winner.body.access_token}` } });
      assert.equal(userinfo.status, 401);
    });
  }

  it('eight simultaneous refreshes of one token: all succeed within the reuse grace window (REFRESH_REUSE_GRACE_SECONDS default)', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, {
      response_type: 'code', client_id: world.other.clientId, redirect_uri: CALLBACK, scope: 'openid offline_access read',
      state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    }, { login: world.user.login, password: world.user.password });
    const auth = { basic: { clientId: world.other.clientId, secret: world.other.secret } };
    const tokens = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, auth);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }, auth)),
    );
    assert.deepEqual(results.map((r) => r.status), Array(8).fill(200), JSON.stringify(results.map((r) => r.body)));
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 8);
  });

  it('eight simultaneous refreshes of one token, window switched off for the app: exactly one wins', async () => {
    await new AppService(server.app.ctx).update(world.web.clientId, { refreshReuseGraceSeconds: 0 });
    const { verifier, challenge } = pkcePair();
    const { code } = await getAuthorizationCode(new TestBrowser(), server.issuer, {
      response_type: 'code', client_id: world.web.clientId, redirect_uri: CALLBACK, scope: 'openid offline_access read',
      state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    }, { login: world.user.login, password: world.user.password });
    const auth = { basic: { clientId: world.web.clientId, secret: world.web.secret } };
    const tokens = await postForm(`${server.issuer}/connect/token`, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, auth);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => postForm(`${server.issuer}/connect/token`, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }, auth)),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    for (const r of results.filter((r) => r.status !== 200)) assert.equal(r.body.error, 'invalid_grant');
  });
});
