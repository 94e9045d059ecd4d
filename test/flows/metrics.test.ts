import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeEachDatabase, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestApp, createTestUser, TEST_PASSWORD } from '../support/fixtures.js';
import { TestBrowser, getAuthorizationCode, pkcePair, SignInError, signIn } from '../support/browser.js';
import { postForm } from '../support/token-helpers.js';

const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_ITERATIONS: '1' };
const CALLBACK = 'https://app.example.com/callback';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (version 0.0.4): every sample line, comments checked. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else assert.match(line, /^# HELP \S+ /, `unexpected comment line: ${line}`);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    assert.ok(!Number.isNaN(value) || match[3] === 'NaN', `bad value in ${line}`);
    samples.push({ name: match[1]!, labels, value });
  }
  return { samples, types };
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describeEachDatabase('metrics on METRICS_PORT', (database) => {
  let server: TestServer;
  let metricsUrl: string;
  let secret: string;
  before(async () => {
    server = await startTestServer({ databaseUrl: database().url, env: { ...FAST_ARGON2, METRICS_PORT: '0' } });
    const port = server.app.metricsServer?.port;
    assert.ok(port, 'METRICS_PORT=0 starts a metrics listener on a free port');
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    secret = (await createTestApp(server.app.ctx, { clientId: 'web.app', loginRedirectUris: [CALLBACK] })).secret!;
    await createTestUser(server.app.ctx, { login: 'alice' });
  });
  after(async () => server?.close());

  it('after a sign-in and a token request, the scrape parses and counts them', async () => {
    const pkce = pkcePair();
    const browser = new TestBrowser();
    const { code } = await getAuthorizationCode(
      browser,
      server.issuer,
      { client_id: 'web.app', redirect_uri: CALLBACK, response_type: 'code', scope: 'openid read', state: 's', code_challenge: pkce.challenge, code_challenge_method: 'S256' },
      { login: 'alice', password: TEST_PASSWORD },
    );
    const token = await postForm(`${server.issuer}/connect/token`, {
      grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: pkce.verifier,
    }, { basic: { clientId: 'web.app', secret } });
    assert.equal(token.status, 200);
    // a failed attempt too
    await assert.rejects(
      signIn(new TestBrowser(), server.issuer, { client_id: 'web.app', redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' }, { login: 'alice', password: 'wrong password here' }),
      SignInError,
    );

    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(await res.text());

    assert.equal(valueOf(samples, 'trustgate_sign_in_attempts_total', { outcome: 'success' }), 1);
    assert.equal(valueOf(samples, 'trustgate_sign_in_attempts_total', { outcome: 'failure' }), 1);
    assert.equal(valueOf(samples, 'trustgate_sign_in_attempts_total', { outcome: 'throttled' }), 0);
    assert.equal(valueOf(samples, 'trustgate_tokens_issued_total', { grant_type: 'authorization_code' }), 1);
    assert.equal(types.get('trustgate_http_requests_total'), 'counter');
    // requests are labelled by route pattern, not by the raw path (the interaction id is not a label)
    assert.equal(valueOf(samples, 'trustgate_http_requests_total', { route: '/id/connect/token', method: 'POST', status: '200' }), 1);
    assert.ok(valueOf(samples, 'trustgate_http_requests_total', { route: '/id/connect/interaction/:id/login', method: 'POST' }) >= 2);
    assert.ok(!samples.some((s) => /[A-Za-z0-9_-]{32}/.test(s.labels.route ?? '')), 'no interaction id in a route label');
    assert.equal(types.get('trustgate_http_request_duration_seconds'), 'histogram');
    assert.equal(valueOf(samples, 'trustgate_http_request_duration_seconds_count', { route: '/id/connect/token' }), 1);
    assert.equal(types.get('trustgate_db_statement_duration_seconds'), 'histogram');
    assert.ok(valueOf(samples, 'trustgate_db_statement_duration_seconds_count', { operation: 'select', result: 'ok' }) > 0);
    assert.ok(valueOf(samples, 'trustgate_db_statement_duration_seconds_count', { operation: 'update' }) > 0, 'the code was consumed by an update');
    // default process metrics: event-loop lag and memory
    assert.ok(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds'));
    assert.ok(valueOf(samples, 'process_resident_memory_bytes') > 0);
    assert.ok(valueOf(samples, 'nodejs_heap_size_used_bytes') > 0);
  });

  it('throttled attempts are counted by outcome and by limit', async () => {
    const env = server.app.ctx.config.throttle;
    for (let i = 0; i <= env.accountSourceLimit; i++) {
      await signIn(new TestBrowser(), server.issuer, { client_id: 'web.app', redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' }, { login: 'bob', password: 'not the password' }).catch(() => undefined);
    }
    const { samples } = parseExposition(await (await fetch(metricsUrl)).text());
    assert.ok(valueOf(samples, 'trustgate_sign_in_attempts_total', { outcome: 'throttled' }) >= 1);
    assert.ok(valueOf(samples, 'trustgate_throttle_refusals_total', { limit: 'account_source' }) >= 1);
  });

  it('the metrics listener answers only /metrics, and the public port has no /metrics', async () => {
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/'))).status, 404);
    assert.equal((await fetch(`${server.origin}/metrics`)).status, 404);
    assert.equal((await fetch(`${server.issuer}/metrics`)).status, 404);
  });
});

describe('metrics are closed by default', () => {
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    db = await createTestDatabase('sqlite');
    server = await startTestServer({ databaseUrl: db.url });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  it('without METRICS_PORT no metrics listener is started', () => {
    assert.equal(server.app.metricsServer, undefined);
    assert.equal(server.app.ctx.config.metricsHost, '127.0.0.1');
  });
});
