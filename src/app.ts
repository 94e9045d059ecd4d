import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { createLogger } from './http/logger.js';
import { buildServer } from './http/server.js';
import type { AppContext } from './context.js';
import { openStore, type Store } from './stores/store.js';
import { ClientRegistry } from './stores/client-registry.js';
import { registerAccountApp } from './account/register-app.js';
import { openKeyRing } from './keys/open-key-ring.js';
import { rotateDueKeys, startKeyRotation } from './keys/rotation-schedule.js';
import { NO_METRICS } from './metrics/observer.js';
import { createPrometheusMetrics, shareWithClusterPrimary, type PrometheusMetrics } from './metrics/prometheus.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { createAuditRecorder } from './audit/record.js';
import { startAuditPruning } from './audit/pruner.js';

export interface RunningApp {
  ctx: AppContext;
  server: FastifyInstance;
  /** the /metrics listener, when METRICS_PORT is set */
  metricsServer: MetricsServer | undefined;
  close(): Promise<void>;
}

/**
 * Opens the store, applies migrations, opens the key ring (signing keys, their schedule), registers the
 * built-in account app and builds the HTTP server.
 */
export async function createApp(
  given: Config,
  options: {
    log?: Logger;
    now?: () => number;
    /** in a cluster worker: the primary logged the start-up warnings and serves the cluster's /metrics */
    clusterWorker?: boolean;
  } = {},
): Promise<RunningApp> {
  const log = options.log ?? createLogger(given.logLevel);
  const now = options.now ?? Date.now;
  const prometheus = given.metricsPort === null ? undefined : createPrometheusMetrics();
  const store = await openStore(given.databaseUrl, prometheus);
  let metricsServer: MetricsServer | undefined;
  try {
    const ctx = await prepareContext(given, store, log, now, { warn: !options.clusterWorker, metrics: prometheus });
    const stopRotation = startKeyRotation(ctx);
    const stopAuditPruning = startAuditPruning(ctx);
    const server = await buildServer(ctx);
    if (prometheus && options.clusterWorker) shareWithClusterPrimary(prometheus);
    else if (prometheus && ctx.config.metricsPort !== null) {
      try {
        metricsServer = await startMetricsServer(prometheus, ctx.config.metricsPort, ctx.config.metricsHost);
      } catch (error) {
        // e.g. METRICS_PORT in use: nothing started here may keep running
        stopRotation();
        stopAuditPruning();
        await server.close();
        throw error;
      }
      log.info({ host: ctx.config.metricsHost, port: metricsServer.port }, 'metrics listening');
    }
    const metricsListener = metricsServer;
    return {
      ctx,
      server,
      metricsServer,
      close: async () => {
        stopRotation();
        stopAuditPruning();
        await metricsListener?.close();
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await metricsServer?.close();
    await store.close();
    throw error;
  }
}

/**
 * Migrations, the key ring (the key-encryption secret — on SQLite the key-secret file — and the first
 * signing keys), the built-in apps and any due key rotation: the context every server needs.
 */
async function prepareContext(
  given: Config,
  store: Store,
  log: Logger,
  now: () => number,
  options: { warn: boolean; metrics?: PrometheusMetrics },
): Promise<AppContext> {
  const applied = await store.migrate();
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  const { keys, config } = await openKeyRing(given, store, now, log, { warn: options.warn });
  const clients = new ClientRegistry(store.apps, config.clientCacheSeconds * 1000, now);
  const ctx: AppContext = { config, store, keys, clients, log, now, metrics: options.metrics ?? NO_METRICS, audit: undefined as never };
  // the recorder reads ctx.log at each event, so a logger replaced later (tests) is the one used
  ctx.audit = createAuditRecorder(ctx);
  await registerAccountApp(ctx);
  await rotateDueKeys(ctx);
  return ctx;
}

/**
 * What a cluster's primary does once before it forks the workers (prepareContext, then it closes the
 * store). The workers then find all of it done, so they never race to create it.
 */
export async function prepareDatabase(given: Config, log: Logger, now: () => number = Date.now): Promise<void> {
  const store = await openStore(given.databaseUrl);
  try {
    await prepareContext(given, store, log, now, { warn: true });
  } finally {
    await store.close();
  }
}
