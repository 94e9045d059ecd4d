import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { createLogger } from './http/logger.js';
import { buildServer } from './http/server.js';
import type { AppContext } from './context.js';
import { openStore } from './stores/store.js';
import { ClientRegistry } from './stores/client-registry.js';
import { registerAccountApp } from './account/register-app.js';
import { openKeyRing } from './keys/open-key-ring.js';
import { rotateDueKeys, startKeyRotation } from './keys/rotation-schedule.js';
import { NO_METRICS } from './metrics/observer.js';
import { createPrometheusMetrics } from './metrics/prometheus.js';
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
export async function createApp(given: Config, options: { log?: Logger; now?: () => number } = {}): Promise<RunningApp> {
  const log = options.log ?? createLogger(given.logLevel);
  const now = options.now ?? Date.now;
  const prometheus = given.metricsPort === null ? undefined : createPrometheusMetrics();
  const store = await openStore(given.databaseUrl, prometheus);
  let metricsServer: MetricsServer | undefined;
  try {
    const applied = await store.migrate();
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
    const { keys, config } = await openKeyRing(given, store, now, log);
    const clients = new ClientRegistry(store.apps, config.clientCacheSeconds * 1000, now);
    const ctx: AppContext = { config, store, keys, clients, log, now, metrics: prometheus ?? NO_METRICS, audit: undefined as never };
    // the recorder reads ctx.log at each event, so a logger replaced later (tests) is the one used
    ctx.audit = createAuditRecorder(ctx);
    await registerAccountApp(ctx);
    await rotateDueKeys(ctx);
    const stopRotation = startKeyRotation(ctx);
    const stopAuditPruning = startAuditPruning(ctx);
    const server = await buildServer(ctx);
    if (prometheus && config.metricsPort !== null) {
      try {
        metricsServer = await startMetricsServer(prometheus, config.metricsPort, config.metricsHost);
      } catch (error) {
        // e.g. METRICS_PORT in use: nothing started here may keep running
        stopRotation();
        stopAuditPruning();
        await server.close();
        throw error;
      }
      log.info({ host: config.metricsHost, port: metricsServer.port }, 'metrics listening');
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
