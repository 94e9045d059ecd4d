import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Store } from './stores/store.js';
import type { KeyRing } from './keys/key-ring.js';
import type { ClientRegistry } from './stores/client-registry.js';
import type { ApiRegistry } from './stores/api-registry.js';
import type { MetricsObserver } from './metrics/observer.js';
import type { AuditRecorder } from './audit/record.js';

/**
 * What every layer needs, built once at start-up and passed explicitly: configuration, the store ports,
 * the key ring, the Trusted Application and API registry caches, the logger, the audit trail and the clock. It knows
 * nothing of HTTP.
 */
export interface AppContext {
  config: Config;
  store: Store;
  keys: KeyRing;
  /** Trusted Applications through a short-lived cache (kill switch within CLIENT_CACHE_SECONDS) */
  clients: ClientRegistry;
  /** which registered API owns a scope, through a short-lived cache (changes reach every node within CLIENT_CACHE_SECONDS) */
  apiRegistry: ApiRegistry;
  log: Logger;
  /** counters and timings for /metrics (NO_METRICS when METRICS_PORT is unset) */
  metrics: MetricsObserver;
  /** the one way to audit: stores the event and logs it (`audit: true`); never throws */
  audit: AuditRecorder;
  /** current time in epoch milliseconds (replaceable in tests) */
  now: () => number;
}

/**
 * A request's parameters after the HTTP edge parsed them: each present at most once; empty values count
 * as absent (RFC 6749 3.1). Grants and checks read these, never the HTTP request.
 */
export type FormParams = ReadonlyMap<string, string>;
