import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { AppContext } from './context.js';
import { openStore, type Store } from './stores/store.js';
import { ClientRegistry } from './stores/client-registry.js';
import { ApiRegistry } from './stores/api-registry.js';
import { registerAccountApp } from './account/register-app.js';
import { openKeyRing } from './keys/open-key-ring.js';
import { rotateDueKeys } from './keys/rotation-schedule.js';
import { NO_METRICS } from './metrics/observer.js';
import type { PrometheusMetrics } from './metrics/prometheus.js';
import { createAuditRecorder } from './audit/record.js';

// Kept apart from app.ts (the HTTP server) so that a cluster primary, which serves no requests, prepares
// the database without loading Fastify, the routes and the pages.

/**
 * Migrations, the key ring (the key-encryption secret — on SQLite the key-secret file — and the first
 * signing keys), the built-in apps and any due key rotation: the context every server needs.
 */
export async function prepareContext(
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
  const apiRegistry = new ApiRegistry(store.apis, config.clientCacheSeconds * 1000, now);
  const ctx: AppContext = { config, store, keys, clients, apiRegistry, log, now, metrics: options.metrics ?? NO_METRICS, audit: undefined as never };
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
