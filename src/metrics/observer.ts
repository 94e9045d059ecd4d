import type { StatementObserver } from '../stores/statement-observer.js';

/** How a password sign-in attempt ended. */
export type SignInOutcome = 'success' | 'failure' | 'throttled' | 'delayed';

/**
 * What the server reports for metrics, in plain values. Layers call these through `ctx.metrics`;
 * only `metrics/prometheus.ts` knows prom-client. `NO_METRICS` does nothing (the CLI, tests).
 */
export interface MetricsObserver extends StatementObserver {
  /** one HTTP response: the route pattern (never the raw path), method, status, seconds taken */
  request(route: string, method: string, status: number, seconds: number): void;
  /** tokens issued by the token endpoint, by grant type */
  tokensIssued(grantType: string): void;
  /** a password sign-in attempt's outcome ('delayed' is counted in addition to its final outcome) */
  signIn(outcome: SignInOutcome): void;
  /** a throttle limit refused an attempt (password or second factor) */
  throttled(limit: string): void;
}

export const NO_METRICS: MetricsObserver = {
  request: () => undefined,
  tokensIssued: () => undefined,
  signIn: () => undefined,
  throttled: () => undefined,
  statement: () => undefined,
};
