import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { createLogger } from './http/logger.js';
import { buildServer } from './http/server.js';
import type { AppContext } from './context.js';
import { openStore } from './stores/store.js';
import { startKeyRotation } from './keys/rotation-schedule.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { startAuditPruning } from './audit/pruner.js';
import { prepareContext } from './prepare.js';

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
  const log = options.log ?? createLogger(given.logLevel, given.logFlushMs);
  const now = options.now ?? Date.now;
  // prom-client is loaded only when metrics are served (METRICS_PORT): most processes never need it
  const metricsModule = given.metricsPort === null ? undefined : await import('./metrics/prometheus.js');
  const prometheus = metricsModule?.createPrometheusMetrics();
  const store = await openStore(given.databaseUrl, prometheus);
  let metricsServer: MetricsServer | undefined;
  try {
    const ctx = await prepareContext(given, store, log, now, { warn: !options.clusterWorker, metrics: prometheus });
    const stopRotation = startKeyRotation(ctx);
    const stopAuditPruning = startAuditPruning(ctx);
    const server = await buildServer(ctx);
    if (prometheus && options.clusterWorker) metricsModule!.shareWithClusterPrimary(prometheus);
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
