#!/usr/bin/env node
/**
 * The benchmark: Trustgate against node-oidc-provider in the same run. See bench/README.md.
 *
 *   npm run bench [-- options]        full comparison, writes bench/results/<timestamp>.{json,md}
 *   npm run bench:smoke               a few seconds per scenario: fails when any scenario has errors
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { canPin, rssMb, runToCompletion, startServer, stopServer, waitReady, type Pinning, type ServerProcess } from './lib/processes.js';
import { createBenchDatabase, type BenchDatabase } from './lib/databases.js';
import { checkTargets, find, markdown, summarize, type BenchReport, type Ceilings, type Memory } from './lib/report.js';
import type { TargetInfo } from './lib/oauth.js';
import type { Job, JobResult } from './loadgen/main.js';
import { SCENARIOS, type ScenarioName } from './loadgen/scenarios.js';
import { freePort } from './lib/ports.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const dist = (p: string) => path.join(root, 'dist', p);
const NAMES = {
  trustgate: 'trustgate',
  peer: 'oidc-provider',
  seeded: 'trustgate-seeded',
  peerRedis: 'oidc-provider-redis',
  trustgateEs256: 'trustgate-es256',
  peerEs256: 'oidc-provider-es256',
  workers2: 'trustgate-2-workers',
};
/** the scenarios the extra targets run (the signature-bound ones for ES256, the stateful ones for Redis and workers) */
const EXTRA_SCENARIOS: Record<string, ScenarioName[]> = {
  [NAMES.peerRedis]: ['refresh', 'code-exchange', 'silent-authorize', 'full-flow', 'userinfo'],
  [NAMES.trustgateEs256]: ['refresh', 'code-exchange'],
  [NAMES.peerEs256]: ['refresh', 'code-exchange'],
  [NAMES.workers2]: ['refresh', 'silent-authorize', 'full-flow'],
};

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string' },
    scenarios: { type: 'string' },
    codes: { type: 'string' },
    postgres: { type: 'boolean', default: false },
    seeded: { type: 'boolean', default: false },
    families: { type: 'string', default: '1000000' },
    apps: { type: 'string', default: '100000' },
    'no-peer': { type: 'boolean', default: false },
    'no-half-load': { type: 'boolean', default: false },
    'no-ceilings': { type: 'boolean', default: false },
    'no-redis-peer': { type: 'boolean', default: false },
    'no-es256': { type: 'boolean', default: false },
    'no-workers': { type: 'boolean', default: false },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'workers-cores': { type: 'string', default: 'server' },
    'cpu-prof': { type: 'boolean', default: false }, // every server process, peer included
    'count-queries': { type: 'boolean', default: false },
    whatif: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    readme: { type: 'string' },
    from: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    note: { type: 'string' },
    out: { type: 'string' },
  },
});

const smoke = args.smoke;
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const options = {
  rounds: num(args.rounds, smoke ? 1 : 3),
  duration: num(args.duration, smoke ? 1 : 10),
  warmup: num(args.warmup, smoke ? 0.3 : 2),
  concurrency: num(args.concurrency, smoke ? 4 : 16),
  scenarios: (args.scenarios?.split(',').map((s) => s.trim()) ?? [...SCENARIOS]) as ScenarioName[],
  database: args.postgres ? 'postgres' : 'sqlite',
  seeded: args.seeded,
  peer: !args['no-peer'],
  halfLoad: !args['no-half-load'] && !smoke,
  ceilings: !args['no-ceilings'],
  logLevel: args['log-level'],
  cpuProf: args['cpu-prof'],
  countQueries: args['count-queries'],
  redisPeer: !args['no-redis-peer'] && !args['no-peer'],
  es256: !args['no-es256'],
  workers: !args['no-workers'],
};
if (options.countQueries && options.database !== 'sqlite') throw new Error('--count-queries works with SQLite only');
for (const s of options.scenarios) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
// enough codes for warm-up + measurement at up to ~1,500 exchanges/s; the window ends early if they run out
const codes = num(args.codes, Math.ceil((options.warmup + options.duration) * (smoke ? 300 : 1500)));

const startedAt = new Date();
const loadAtStart = os.loadavg()[0]!;
const stamp = startedAt.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
const outDir = path.resolve(args.out ?? path.join(root, 'bench', 'results'));
const logDir = path.join(outDir, `${stamp}-logs`);
fs.mkdirSync(logDir, { recursive: true });
const say = (message: string) => process.stderr.write(`bench: ${message}\n`);

const pinning: Pinning = { enabled: canPin(), serverCore: 0, loadCore: 1 };
if (!pinning.enabled) say('taskset or a second core is missing: processes run unpinned (figures are not per core)');

const shared = {
  clientId: 'bench.example/app',
  clientSecret: randomBytes(32).toString('base64url'),
  redirectUri: 'https://bench.example/callback',
  login: 'bench.user',
  password: randomBytes(12).toString('base64url'),
};
const argonEnv = {
  ARGON2_MEMORY_KIB: process.env.ARGON2_MEMORY_KIB ?? '19456',
  ARGON2_ITERATIONS: process.env.ARGON2_ITERATIONS ?? '2',
  ARGON2_PARALLELISM: process.env.ARGON2_PARALLELISM ?? '1',
};
const benchEnv = {
  BENCH_CLIENT_ID: shared.clientId,
  BENCH_CLIENT_SECRET: shared.clientSecret,
  BENCH_REDIRECT_URI: shared.redirectUri,
  BENCH_USER_LOGIN: shared.login,
  BENCH_USER_PASSWORD: shared.password,
  API_AUDIENCE: 'erp-api',
  ...argonEnv,
};
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' };

const servers: ServerProcess[] = [];
const databases: BenchDatabase[] = [];
const memory: Record<string, Memory> = {};
const serverLabels: Record<string, string> = {};
const seeding: Record<string, unknown> = {};

interface Running {
  info: TargetInfo;
  process: ServerProcess;
  api?: ServerProcess;
  /** an extra target runs only these scenarios and no half-load run */
  only?: ScenarioName[];
}

/** The Redis key prefix of this run's Redis peer: deleted (only these keys) at the end. */
const redisPrefix = `trustgate-bench:${stamp}:`;
let redisUsed = false;

/**
 * What-if variants: an extra Trustgate target, measured in the same rounds, that differs from the
 * plain one by a preloaded module or a setting — evidence for a change before anyone makes it.
 */
const WHATIFS: Record<string, { nodeArgs?: string[]; env?: Record<string, string>; label: string }> = {
  'statement-cache': { nodeArgs: ['--import', dist('bench/tools/statement-cache.js')], label: 'better-sqlite3 statements reused by SQL text (bench/tools/statement-cache.ts)' },
  'argon2-limit': { nodeArgs: ['--import', dist('bench/tools/argon2-limit.js')], label: 'argon2id limited to one computation per core (bench/tools/argon2-limit.ts)' },
  'argon2-limit-arena': {
    nodeArgs: ['--import', dist('bench/tools/argon2-limit.js')],
    env: { MALLOC_ARENA_MAX: '1' },
    label: 'argon2id limited to one computation per core and MALLOC_ARENA_MAX=1 (the worker threads share one malloc arena, so a freed 19 MiB block is reused)',
  },
  'sync-sign': { nodeArgs: ['--import', dist('bench/tools/sync-sign.js')], label: 'RS256 signed on the event loop instead of the thread pool (bench/tools/sync-sign.ts)' },
  'log-warn': { env: { LOG_LEVEL: 'warn' }, label: 'LOG_LEVEL=warn (no request and audit lines)' },
  'log-unbuffered': { env: { LOG_FLUSH_MS: '0' }, label: 'LOG_FLUSH_MS=0 (one write per log line, as before log lines were gathered)' },
  'semi-space-4': { nodeArgs: ['--max-semi-space-size=4'], label: 'node --max-semi-space-size=4 (smaller V8 young generation)' },
  'semi-space-2': { nodeArgs: ['--max-semi-space-size=2'], label: 'node --max-semi-space-size=2 (smaller V8 young generation)' },
  'arena-2': { env: { MALLOC_ARENA_MAX: '2' }, label: 'MALLOC_ARENA_MAX=2 (as the Dockerfile and deploy/trustgate.service set it: the thread pool shares two malloc arenas, so freed argon2id blocks are reused)' },
  lean: {
    nodeArgs: ['--max-semi-space-size=4'],
    env: { MALLOC_ARENA_MAX: '2' },
    label: 'node --max-semi-space-size=4 and MALLOC_ARENA_MAX=2',
  },
  'malloc-mmap': { env: { MALLOC_MMAP_THRESHOLD_: '131072' }, label: 'MALLOC_MMAP_THRESHOLD_=131072 (glibc returns large freed blocks, e.g. argon2id memory, to the OS)' },
  'threadpool-1': { env: { UV_THREADPOOL_SIZE: '1' }, label: 'UV_THREADPOOL_SIZE=1 (one argon2id / signature at a time)' },
  'refresh-transaction': {
    nodeArgs: ['--import', dist('bench/tools/refresh-transaction.js')],
    label: 'the refresh grant\'s round trips before migration 014: token and user read apart, the rotation as a transaction of separate statements (bench/tools/refresh-transaction.ts)',
  },
};
const whatifs = (args.whatif?.split(',').map((w) => w.trim()).filter(Boolean) ?? []).map((name) => {
  const variant = WHATIFS[name];
  if (!variant) throw new Error(`unknown --whatif ${name}; known: ${Object.keys(WHATIFS).join(', ')}`);
  return { name, ...variant };
});

async function startTrustgate(
  name: string,
  seed: boolean,
  whatif?: (typeof whatifs)[number],
  variant: { env?: Record<string, string>; alg?: string; label?: string; cores?: string } = {},
): Promise<Running> {
  const database = await createBenchDatabase(options.database as 'sqlite' | 'postgres', name);
  databases.push(database);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/id`;
  const env = {
    ...baseEnv,
    ...benchEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER_URL: issuer,
    DATABASE_URL: database.url,
    LOG_LEVEL: options.logLevel,
    KEY_ENCRYPTION_SECRET: randomBytes(24).toString('base64url'),
    // one process per server unless a variant says otherwise (figures are per core)
    WORKERS: '1',
    // login: 16 browsers sign the one bench user in at once from 127.0.0.1; each attempt in flight
    // counts on the account+source counter until its success refunds it, so the default limit of 5
    // refuses some when sign-ins queue for argon2id (a loaded machine). The throttle's work is the same.
    THROTTLE_ACCOUNT_SOURCE_LIMIT: '100',
    // likewise the account-wide progressive delay: 16 sign-ins in flight at once (new browsers, no device
    // cookie) exceed its 10 attempts and each then waits up to 2 s by design (10.9 sign-ins/s against
    // the peer's 28.1 in the run of 17:12, same CPU per sign-in); the counters are still reserved and
    // refunded, only the deliberate wait is left out of what the benchmark measures
    THROTTLE_DELAY_AFTER: '1000',
    ...variant.env,
  };
  if (seed) {
    say(`${name}: seeding ${Number(args.families).toLocaleString('en')} refresh-token families and ${Number(args.apps).toLocaleString('en')} apps…`);
    const out = await runToCompletion(pinning, pinning.loadCore, dist('bench/seed.js'), ['--families', args.families, '--apps', args.apps, '--quiet'], env);
    Object.assign(seeding, JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>);
    say(`${name}: seeded in ${String(seeding.seconds)} s`);
  }
  await runToCompletion(pinning, pinning.loadCore, dist('bench/servers/provision-trustgate.js'), [], env);
  const nodeArgs = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(logDir, `${name}-profile`)] : [];
  if (whatif) {
    nodeArgs.push(...(whatif.nodeArgs ?? []));
    Object.assign(env, whatif.env ?? {});
  }
  if (options.countQueries) {
    nodeArgs.push('--import', dist('bench/tools/query-counter.js'));
    Object.assign(env, { QUERY_COUNT_FILE: path.join(logDir, `${name}-queries.json`) });
  }
  const proc = startServer(pinning, name, dist('src/main.js'), env, path.join(logDir, `${name}.log`), nodeArgs, variant.cores);
  servers.push(proc);
  await waitReady(proc, `${issuer}/.well-known/openid-configuration`);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  serverLabels[name] = `${pkg.version} (${database.label}${seed ? `, seeded with ${Number(args.families).toLocaleString('en')} refresh-token families + ${Number(args.apps).toLocaleString('en')} apps` : ''}${whatif ? `, what-if: ${whatif.label}` : ''}${variant.label ? `, ${variant.label}` : ''}; LOG_LEVEL=${env.LOG_LEVEL}, argon2id m=${argonEnv.ARGON2_MEMORY_KIB} t=${argonEnv.ARGON2_ITERATIONS} p=${argonEnv.ARGON2_PARALLELISM})`;
  return { info: { name, issuer, ...shared, offlineExtra: {}, ...(variant.alg ? { alg: variant.alg } : {}) }, process: proc, only: EXTRA_SCENARIOS[name] };
}

async function startPeer(name = NAMES.peer, variant: { storage?: 'memory' | 'redis'; alg?: string } = {}): Promise<Running> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/id`;
  const env = {
    ...baseEnv,
    ...benchEnv,
    PORT: String(port),
    ISSUER_URL: issuer,
    PEER_STORAGE: variant.storage ?? 'memory',
    PEER_ALG: variant.alg ?? 'RS256',
    ...(variant.storage === 'redis' ? { REDIS_URL: args['redis-url'], REDIS_PREFIX: redisPrefix } : {}),
  };
  if (variant.storage === 'redis') redisUsed = true;
  const nodeArgs = options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.join(logDir, `${name}-profile`)] : [];
  const proc = startServer(pinning, name, dist('bench/servers/peer.js'), env, path.join(logDir, `${name}.log`), nodeArgs);
  servers.push(proc);
  await waitReady(proc, `${issuer}/.well-known/openid-configuration`);
  const version = (createRequire(import.meta.url)('oidc-provider/package.json') as { version: string }).version;
  serverLabels[name] = variant.storage === 'redis'
    ? `${version} (Redis adapter written as oidc-provider's documented Redis example, bench/servers/peer-redis-adapter.ts, ioredis to ${args['redis-url']}, key prefix ${redisPrefix}${variant.alg ? `; ${variant.alg}` : ''}; same argon2id parameters)`
    : `${version} (in-memory adapter with O(1) operations, bench/servers/peer-adapter.ts${variant.alg ? `; ${variant.alg} (P-256) for ID and access tokens` : ''}; same argon2id parameters)`;
  // oidc-provider drops offline_access unless the authorization request has prompt=consent (OIDC Core 11)
  return { info: { name, issuer, ...shared, offlineExtra: { prompt: 'consent' }, ...(variant.alg ? { alg: variant.alg } : {}) }, process: proc, only: EXTRA_SCENARIOS[name] };
}

/** Whether Redis answers PING at --redis-url (the Redis peer is left out, with a note, when not). */
async function redisReachable(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(args['redis-url'], { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Deletes this run's Redis keys (its prefix only; nothing else in the Redis database is touched). */
async function deleteRedisKeys(): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(args['redis-url'], { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** The sample ERP API (examples/erp-api) pointed at one identity server; GET /api/me needs scope read. */
async function startApi(target: Running): Promise<void> {
  const script = dist('examples/erp-api/main.js');
  if (!fs.existsSync(script)) return;
  const port = await freePort();
  const env = {
    ...baseEnv,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER_URL: target.info.issuer,
    API_AUDIENCE: 'erp-api',
    LOG_LEVEL: 'silent',
    DATABASE_PATH: path.join(logDir, `erp-api-${target.info.name}.db`),
  };
  const proc = startServer(pinning, `erp-api (${target.info.name})`, script, env, path.join(logDir, `erp-api-${target.info.name}.log`));
  servers.push(proc);
  await waitReady(proc, `http://127.0.0.1:${port}/healthz`);
  target.api = proc;
  target.info.apiUrl = `http://127.0.0.1:${port}/api/me`;
}

async function runJob(job: Job, server?: ServerProcess): Promise<JobResult> {
  // the server's CPU time over the run (for ops per CPU-second); api measures the sample API instead
  if (server && job.scenario !== 'api') job = { ...job, serverPid: server.pid };
  const counting = options.countQueries && server !== undefined && job.target.name !== NAMES.peer;
  const queryFile = path.join(logDir, `${job.target.name}-queries.json`);
  if (counting) await signalAndWait(server, queryFile);
  const out = await runToCompletion(pinning, pinning.loadCore, dist('bench/loadgen/main.js'), [JSON.stringify(job)], { ...baseEnv });
  const result = JSON.parse(out.trim().split('\n').pop()!) as JobResult;
  if (counting && result.totalOps > 0) {
    // statements over the whole job (setup sign-ins included) per successful operation, and their
    // mean time in microseconds
    const counts = (await signalAndWait(server, queryFile)) as unknown as Record<string, [number, number]>;
    const perOp = Object.entries(counts)
      .map(([sql, [n, micros]]) => [sql, Math.round((100 * n) / result.totalOps) / 100, Math.round((10 * micros) / n) / 10] as const)
      .filter(([, n]) => n >= 0.05)
      .sort((a, b) => b[1] - a[1]);
    result.notes.statementsPerOp = Math.round(10 * perOp.reduce((sum, [, n]) => sum + n, 0)) / 10;
    result.notes.sqlMicrosPerOp = Math.round(perOp.reduce((sum, [, n, us]) => sum + n * us, 0));
    result.statements = Object.fromEntries(perOp.map(([sql, n, us]) => [sql, { perOp: n, meanMicros: us }]));
  }
  return result;
}

/** Asks the query counter in a Trustgate process to write (and reset) its counts. */
async function signalAndWait(server: ServerProcess, file: string): Promise<Record<string, unknown>> {
  fs.rmSync(file, { force: true });
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 50 && !fs.existsSync(file); i++) await sleep(20);
  await sleep(20);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

function describe(r: JobResult): string {
  const errors = r.errors > 0 ? `, ${r.errors} errors: ${r.errorSamples.join('; ')}` : '';
  return `${r.scenario.padEnd(16)} ${r.target.padEnd(16)} ${String(r.opsPerSecond).padStart(8)}/s  p50 ${r.p50} ms  p99 ${r.p99} ms${errors}`;
}

async function measureCeilings(): Promise<Ceilings> {
  const ceilings: Ceilings = {};
  const ms = smoke ? 300 : 3000;
  say('ceilings: RS256 signatures on one core…');
  Object.assign(ceilings, JSON.parse(await runToCompletion(pinning, pinning.serverCore, dist('bench/ceilings/rs256.js'), [String(ms)])));
  say('ceilings: argon2id on one core…');
  const argon = JSON.parse(await runToCompletion(pinning, pinning.serverCore, dist('bench/ceilings/argon2.js'), [String(ms)], { ...baseEnv, ...argonEnv })) as {
    verifyPerSecond: number;
    sequential: number;
    fourAtOnce: number;
    params: Ceilings['argon2Params'];
  };
  ceilings.argon2VerifyPerSecond = argon.verifyPerSecond;
  ceilings.argon2Sequential = argon.sequential;
  ceilings.argon2FourAtOnce = argon.fourAtOnce;
  ceilings.argon2Params = argon.params;
  say('ceilings: bare node:http on one core…');
  const port = await freePort();
  const bare = startServer(pinning, 'bare-http', dist('bench/servers/bare-http.js'), { ...baseEnv, PORT: String(port) }, path.join(logDir, 'bare-http.log'));
  try {
    await waitReady(bare, `http://127.0.0.1:${port}/`);
    const info: TargetInfo = { name: 'bare-http', issuer: `http://127.0.0.1:${port}`, ...shared, offlineExtra: {} };
    ceilings.bareHttp = await runJob({
      scenario: 'bare', target: info, concurrency: options.concurrency, warmupMs: options.warmup * 1000,
      durationMs: Math.min(options.duration, 5) * 1000, mode: 'closed', codes: 0, url: `http://127.0.0.1:${port}/`,
    });
  } finally {
    await stopServer(bare);
  }
  return ceilings;
}

function sampleMemory(targets: Running[], key: keyof Memory): void {
  for (const t of targets) {
    const entry = (memory[t.info.name] ??= {});
    const rss = rssMb(t.process.pid);
    if (rss !== undefined) entry[key] = rss;
    try {
      const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${t.process.pid}/status`, 'utf8'))?.[1];
      if (hwm) entry.peak = Math.round((Number(hwm) / 1024) * 10) / 10;
    } catch {
      // the process is gone
    }
  }
}

async function main(): Promise<number> {
  for (const file of ['src/main.js', 'bench/loadgen/main.js', 'bench/servers/peer.js']) {
    if (!fs.existsSync(dist(file))) throw new Error(`dist/${file} is missing: run "npm run build && node bench/build.mjs" first (npm run bench does)`);
  }
  say(`logs in ${path.relative(process.cwd(), logDir)}`);
  const targets: Running[] = [];
  targets.push(await startTrustgate(NAMES.trustgate, false));
  if (options.peer) targets.push(await startPeer());
  if (options.seeded) targets.push(await startTrustgate(NAMES.seeded, true));
  const runs = (name: string) => EXTRA_SCENARIOS[name]!.some((s) => options.scenarios.includes(s));
  if (options.redisPeer && runs(NAMES.peerRedis)) {
    if (await redisReachable()) targets.push(await startPeer(NAMES.peerRedis, { storage: 'redis' }));
    else say(`Redis does not answer at ${args['redis-url']}: the Redis peer is left out (--redis-url)`);
  }
  if (options.es256 && runs(NAMES.trustgateEs256)) {
    targets.push(await startTrustgate(NAMES.trustgateEs256, false, undefined, { env: { SIGNING_ALG: 'ES256' }, alg: 'ES256', label: 'SIGNING_ALG=ES256' }));
    if (options.peer) targets.push(await startPeer(NAMES.peerEs256, { alg: 'ES256' }));
  }
  if (options.workers && runs(NAMES.workers2)) {
    const allCores = args['workers-cores'] === 'all';
    const cores = allCores ? `0-${os.availableParallelism() - 1}` : undefined;
    const where = allCores ? `on cores ${cores}, shared with the load generator` : 'all on the server core';
    targets.push(await startTrustgate(NAMES.workers2, false, undefined, { env: { WORKERS: '2' }, cores, label: `WORKERS=2 (node:cluster: a primary and two workers, ${where})` }));
  }
  for (const whatif of whatifs) targets.push(await startTrustgate(`trustgate+${whatif.name}`, false, whatif));
  if (options.scenarios.includes('api')) {
    for (const t of targets) if (!t.only || t.only.includes('api')) await startApi(t);
    if (!targets.some((t) => t.info.apiUrl)) say('api: dist/examples/erp-api/main.js is missing; the api scenario is skipped');
  }
  await sleep(smoke ? 200 : 2000);
  sampleMemory(targets, 'idle');

  const ceilings = options.ceilings ? await measureCeilings() : {};
  const results: JobResult[] = [];
  const baseJob = { concurrency: options.concurrency, warmupMs: options.warmup * 1000, durationMs: options.duration * 1000, codes };
  for (let round = 1; round <= options.rounds; round++) {
    for (const scenario of options.scenarios) {
      // alternate which server goes first from one round to the next
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      for (const t of order) {
        if (scenario === 'api' && !t.info.apiUrl) continue;
        if (t.only && !t.only.includes(scenario)) continue;
        const result = await runJob({ ...baseJob, scenario, target: t.info, mode: 'closed' }, t.process);
        results.push(result);
        say(`round ${round}/${options.rounds} ${describe(result)}`);
      }
    }
  }

  const halfLoad: JobResult[] = [];
  if (options.halfLoad) {
    const summary = summarize(results);
    for (const scenario of options.scenarios.filter((s) => s !== 'login')) {
      for (const t of targets) {
        if (scenario === 'api' && !t.info.apiUrl) continue;
        if (t.only) continue;
        const max = find(summary, scenario, t.info.name)?.opsPerSecond;
        if (!max || !(max > 0)) continue;
        const result = await runJob({ ...baseJob, scenario, target: t.info, mode: 'paced', rate: max / 2 });
        halfLoad.push(result);
        say(`half load ${describe(result)}`);
      }
    }
  }
  sampleMemory(targets, 'endOfLoad');

  const summary = summarize(results);
  const partial: Omit<BenchReport, 'targets'> = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run ${smoke ? 'bench:smoke' : 'bench'}${process.argv.slice(2).filter((a) => a !== '--smoke').length ? ` -- ${process.argv.slice(2).filter((a) => a !== '--smoke').join(' ')}` : ''}`,
    smoke,
    machine: {
      nproc: os.availableParallelism(),
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      pinned: pinning.enabled,
      note: args.note,
      loadAverage: { atStart: Math.round(loadAtStart * 100) / 100, atEnd: Math.round(os.loadavg()[0]! * 100) / 100 },
    },
    servers: serverLabels,
    options: { ...options, codes },
    ceilings,
    memory,
    results,
    halfLoad,
    summary,
    seeding: options.seeded ? seeding : undefined,
  };
  const report: BenchReport = { ...partial, targets: smoke ? [] : checkTargets(partial, NAMES) };
  const table = markdown(report, NAMES);
  fs.writeFileSync(path.join(outDir, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${stamp}.md`), `${table}\n`);
  process.stdout.write(`${table}\n`);
  if (args.readme) writeIntoReadme(args.readme, table);
  say(`wrote ${path.relative(process.cwd(), path.join(outDir, `${stamp}.json`))} and .md`);

  const failed = summary.filter((s) => s.errors > 0);
  const skipped = options.scenarios.filter((s) => !summary.some((x) => x.scenario === s));
  if (failed.length > 0) say(`FAILED: errors in ${failed.map((s) => `${s.scenario} on ${s.target}`).join(', ')}`);
  if (skipped.length > 0) say(`FAILED: scenarios that did not run: ${skipped.join(', ')}`);
  return failed.length > 0 || skipped.length > 0 ? 1 : 0;
}

async function cleanup(): Promise<void> {
  await Promise.all(servers.map((s) => stopServer(s).catch(() => undefined)));
  if (redisUsed) await deleteRedisKeys().catch((error: unknown) => say(`could not delete this run's Redis keys (${redisPrefix}*): ${String(error)}`));
  for (const db of databases) await db.drop().catch((error: unknown) => say(`could not drop a database: ${String(error)}`));
}

/**
 * --readme <name>: puts the table into bench/README.md between `<!-- BEGIN RUN name -->` and
 * `<!-- END RUN name -->` (added before `<!-- RUNS END -->` the first time).
 */
function writeIntoReadme(name: string, table: string): void {
  const file = path.join(root, 'bench', 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const begin = `<!-- BEGIN RUN ${name} -->`;
  const end = `<!-- END RUN ${name} -->`;
  const block = `${begin}\n${table}\n${end}`;
  let next: string;
  if (text.includes(begin) && text.includes(end)) {
    next = text.slice(0, text.indexOf(begin)) + block + text.slice(text.indexOf(end) + end.length);
  } else if (text.includes('<!-- RUNS END -->')) {
    next = text.replace('<!-- RUNS END -->', `${block}\n\n<!-- RUNS END -->`);
  } else {
    next = `${text.trimEnd()}\n\n${block}\n`;
  }
  fs.writeFileSync(file, next);
  say(`updated bench/README.md (run "${name}")`);
}

/** Server logs are large (Trustgate logs every request at info): kept only when something failed. */
function tidyLogs(): void {
  for (const name of fs.readdirSync(logDir)) {
    if (/\.(log|db|db-wal|db-shm)$/.test(name)) fs.rmSync(path.join(logDir, name), { force: true });
  }
  if (fs.readdirSync(logDir).length === 0) fs.rmdirSync(logDir);
}

if (args.from) {
  // re-render a finished run's table (and --readme block) from its JSON, without running anything
  const report = JSON.parse(fs.readFileSync(args.from, 'utf8')) as BenchReport;
  if (!report.smoke) report.targets = checkTargets(report, NAMES);
  const table = markdown(report, NAMES);
  process.stdout.write(`${table}\n`);
  if (args.readme) writeIntoReadme(args.readme, table);
  fs.rmSync(logDir, { recursive: true, force: true });
  process.exit(0);
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanup();
}
if (exitCode === 0 && !args['keep-logs']) tidyLogs();
else say(`server logs kept in ${path.relative(process.cwd(), logDir)}`);
process.exit(exitCode);
