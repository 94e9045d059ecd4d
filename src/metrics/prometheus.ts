import { AggregatorRegistry, Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsObserver, SignInOutcome } from './observer.js';
import type { StatementOperation } from '../stores/statement-observer.js';

/** Seconds: from a cached lookup (1 ms) to an argon2id sign-in with a throttle delay (several s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATEMENT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export interface PrometheusMetrics extends MetricsObserver {
  registry: Registry;
  /** the exposition text and its content type */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * The server's metrics in their own registry (several servers in one process, as in tests, do not
 * share counters). Names are listed in docs/metrics.md.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  // process memory, CPU, handles, GC, and nodejs_eventloop_lag_* (event-loop lag)
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'trustgate_http_requests_total',
    help: 'HTTP responses by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'trustgate_http_request_duration_seconds',
    help: 'Time from request to response by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'trustgate_tokens_issued_total',
    help: 'Token responses issued by the token endpoint, by grant type',
    labelNames: ['grant_type'] as const,
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'trustgate_sign_in_attempts_total',
    help: 'Password sign-in attempts by outcome (success, failure, throttled; delayed counts attempts that waited first)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const throttles = new Counter({
    name: 'trustgate_throttle_refusals_total',
    help: 'Attempts refused by a sign-in throttle limit, by limit',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'trustgate_db_statement_duration_seconds',
    help: 'Database statement latency by operation and result',
    labelNames: ['operation', 'result'] as const,
    buckets: STATEMENT_BUCKETS,
    registers: [registry],
  });
  // every outcome appears from the start (a rate over a missing series is no rate at all)
  for (const outcome of ['success', 'failure', 'throttled', 'delayed'] satisfies SignInOutcome[]) signIns.inc({ outcome }, 0);

  return {
    registry,
    request: (route, method, status, seconds) => {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
    tokensIssued: (grantType) => tokens.inc({ grant_type: grantType }),
    signIn: (outcome) => signIns.inc({ outcome }),
    throttled: (limit) => throttles.inc({ limit }),
    statement: (operation: StatementOperation, seconds, failed) =>
      statements.observe({ operation, result: failed ? 'error' : 'ok' }, seconds),
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

/** What the /metrics listener serves. */
export interface MetricsSource {
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * In a cluster worker (WORKERS > 1): the worker's metrics answer the primary's requests (prom-client's
 * cluster messages) instead of a listener of their own, so one scrape sees every worker.
 */
export function shareWithClusterPrimary(metrics: PrometheusMetrics): void {
  // constructing one installs prom-client's listener for the primary's requests (setRegistries does not)
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
}

/** In the cluster primary: every worker's metrics, summed (counters, histograms) per series. */
export function createClusterMetricsSource(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  return { scrape: async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }) };
}
