import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import type { Logger } from 'pino';
import { loadConfig, redactUrl, type Config } from './config/config.js';
import type { RunningApp } from './app.js';
import { prepareDatabase } from './prepare.js';
import { createLogger, flushLogs } from './http/logger.js';
import { argon2Slots } from './domain/password.js';
import { startupBanner } from './banner.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';

/** How long the primary waits for its workers to finish their requests on shutdown before killing them. */
const SHUTDOWN_GRACE_MS = 15_000;
/** A worker that exits is restarted after 0.5 s, 1 s, 2 s, … (at most 30 s)… */
const RESTART_BASE_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 30_000;
/** …unless workers exited more than this many times within the window: then the primary gives up. */
const RESTART_LIMIT = 5;
const RESTART_WINDOW_MS = 60_000;

/** The message a worker sends its primary once it listens. */
const READY = 'trustgate:ready';

/**
 * Starts the server from the environment; used by `npm start` and `trustgate serve`. With WORKERS=1
 * (or `--workers 1`) it serves in this process; with more, this process becomes a cluster primary
 * that prepares the database once and forks the workers, which share the port (node:cluster).
 */
export async function serve(env: NodeJS.ProcessEnv = process.env, options: { workers?: number } = {}): Promise<void> {
  const config = loadConfig(options.workers === undefined ? env : { ...env, WORKERS: String(options.workers) });
  if (cluster.isWorker) return serveWorker(config);
  if (config.workers === 1) return serveOne(config);
  return servePrimary(config);
}

function listeningFields(config: Config) {
  return { issuer: config.issuer, port: config.port, host: config.host, database: redactUrl(config.databaseUrl) };
}

/** One process: open, migrate, listen; SIGTERM/SIGINT close it. */
async function serveOne(config: Config): Promise<void> {
  const { createApp } = await import('./app.js');
  const app = await createApp(config);
  const { log } = app.ctx;
  await app.server.listen({ port: config.port, host: config.host });
  log.info({ ...listeningFields(config), workers: 1 }, 'trustgate listening');
  process.stderr.write(startupBanner(config, app.metricsServer?.port));
  stopOnSignals(log, () => app.close());
}

function stopOnSignals(log: Logger, close: () => Promise<void>, alsoOnDisconnect = false): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    close().then(
      () => flushLogs(log).finally(() => process.exit(0)),
      () => flushLogs(log).finally(() => process.exit(1)),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // a worker whose primary is gone (killed outright) stops too, instead of serving on unsupervised
  if (alsoOnDisconnect) process.once('disconnect', () => stop('primary gone'));
}

/**
 * A cluster worker: the primary already migrated and created the keys, so this only opens the store,
 * finds everything in place and listens on the shared port. Its log lines carry `worker`.
 */
async function serveWorker(config: Config): Promise<void> {
  const id = cluster.worker!.id;
  // argon2id: one computation per core across all workers, not per worker
  argon2Slots.resize(Math.max(1, Math.floor(os.availableParallelism() / config.workers)));
  const log = createLogger(config.logLevel, config.logFlushMs).child({ worker: id });
  // from the start: a stop while the worker is still opening ends it cleanly too
  let app: RunningApp | undefined;
  stopOnSignals(log, () => app?.close() ?? Promise.resolve(), true);
  const { createApp } = await import('./app.js');
  app = await createApp(config, { log, clusterWorker: true });
  await app.server.listen({ port: config.port, host: config.host });
  log.info({ pid: process.pid }, 'worker listening');
  process.send?.(READY);
}

/**
 * The cluster primary: prepares the database (migrations, key-encryption secret, first keys, built-in
 * app) once, forks `config.workers` workers, restarts one that exits (with backoff) and stops them all
 * on SIGTERM/SIGINT. It serves no requests itself.
 */
async function servePrimary(config: Config): Promise<void> {
  const log = createLogger(config.logLevel, config.logFlushMs).child({ role: 'primary' });
  await prepareDatabase(config, log);
  // the workers' metrics, summed, on the one METRICS_PORT listener (each worker answers the primary)
  let metricsServer: MetricsServer | undefined;
  if (config.metricsPort !== null) {
    const { createClusterMetricsSource } = await import('./metrics/prometheus.js');
    metricsServer = await startMetricsServer(createClusterMetricsSource(), config.metricsPort, config.metricsHost);
    log.info({ host: config.metricsHost, port: metricsServer.port }, 'metrics listening');
  }

  const count = config.workers;
  const workers = new Map<number, Worker>(); // slot → live worker
  const ready = new Set<number>(); // slots whose current worker listens
  const restarts = new Set<NodeJS.Timeout>();
  const exits: number[] = []; // times of unplanned exits, for the restart limit
  let started = false; // every worker listened once
  let stopping = false;
  let exitCode = 0;
  let killTimer: NodeJS.Timeout | undefined;

  const fork = (slot: number) => {
    const worker = cluster.fork({ WORKERS: String(count) });
    workers.set(slot, worker);
    worker.on('message', (message: unknown) => {
      if (message !== READY) return;
      ready.add(slot);
      if (!started && ready.size === count) {
        started = true;
        log.info({ ...listeningFields(config), workers: count, pid: process.pid }, 'trustgate listening');
        process.stderr.write(startupBanner(config, metricsServer?.port));
      }
    });
    worker.once('exit', (code, signal) => exited(slot, worker, code, signal));
  };

  const finishIfDone = () => {
    if (workers.size > 0) return;
    if (killTimer) clearTimeout(killTimer);
    void metricsServer?.close();
    void flushLogs(log).finally(() => process.exit(exitCode));
  };

  const stopAll = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log.info({ reason, workers: workers.size }, 'shutting down');
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    for (const worker of workers.values()) worker.process.kill('SIGTERM');
    killTimer = setTimeout(() => {
      for (const worker of workers.values()) {
        log.warn({ workerId: worker.id }, 'worker did not stop in time: killed');
        worker.process.kill('SIGKILL');
      }
    }, SHUTDOWN_GRACE_MS);
    killTimer.unref();
    finishIfDone();
  };

  const fatal = (message: string) => {
    log.error(message);
    process.stderr.write(`trustgate: ${message}\n`);
    stopAll(message, 1);
  };

  const exited = (slot: number, worker: Worker, code: number | null, signal: string | null) => {
    if (workers.get(slot) === worker) workers.delete(slot);
    const wasReady = ready.delete(slot);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (stopping) {
      if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') exitCode = 1;
      finishIfDone();
      return;
    }
    if (!started) {
      // the first start failed (its own error is on stderr): restarting would only repeat it
      fatal(`worker ${worker.id} exited (${how}) before it was listening; stopping`);
      return;
    }
    const now = Date.now();
    exits.push(now);
    while (exits.length > 0 && exits[0]! < now - RESTART_WINDOW_MS) exits.shift();
    if (exits.length > RESTART_LIMIT) {
      fatal(`workers exited ${exits.length} times within ${RESTART_WINDOW_MS / 1000} s (last: worker ${worker.id}, ${how}); stopping`);
      return;
    }
    const delay = Math.min(RESTART_MAX_DELAY_MS, RESTART_BASE_DELAY_MS * 2 ** (exits.length - 1));
    log.error({ workerId: worker.id, exitCode: code, signal, wasReady, restartInMs: delay }, 'worker exited: restarting it');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork(slot);
    }, delay);
    restarts.add(timer);
  };

  process.once('SIGTERM', () => stopAll('SIGTERM', 0));
  process.once('SIGINT', () => stopAll('SIGINT', 0));
  for (let slot = 0; slot < count; slot++) fork(slot);
}
