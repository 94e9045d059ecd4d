/**
 * Sign-in throttling policy (pure). Every password attempt first reserves its place in counters kept in
 * the store (one atomic operation, so N simultaneous guesses count as N on any number of nodes); the
 * counts decide whether the password is checked at all, and how long the answer waits.
 *
 * A browser in which the user signed in before carries a device cookie for that user (OWASP "device
 * cookies"): its attempts count only against that cookie. Every other attempt is untrusted and counts
 * against three limits that cannot be turned on the account's owner:
 * - the account from this source (an attacker at one address gets a handful of guesses per window);
 * - the source across accounts (password spraying from one address);
 * - the account from every untrusted source together, counting only attempts that passed the first two
 *   (a distributed attack): past it, untrusted browsers are refused for this account while the owner's
 *   own browser keeps signing in. Before it, the answer slows down progressively.
 * Nothing here locks an account: limits expire with their window and never apply to the owner's device.
 */
export interface ThrottlePolicy {
  /** how long a counter counts (ms) */
  windowMs: number;
  /** attempts per window for one account from one source */
  accountSourceLimit: number;
  /** attempts per window from one source, across accounts (untrusted browsers) */
  sourceLimit: number;
  /** attempts per window for one account from all untrusted sources together */
  accountLimit: number;
  /** failures of one account (untrusted) answered without delay before it slows down */
  accountDelayAfter: number;
  /** delay added per failure beyond the free ones (ms) */
  delayStepMs: number;
  maxDelayMs: number;
  /** attempts per window through one device cookie before the browser is treated as untrusted */
  deviceLimit: number;
  /** second-factor codes (TOTP, recovery codes) tried per window for one user */
  secondFactorLimit: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  accountSourceLimit: 5,
  sourceLimit: 50,
  accountLimit: 100,
  accountDelayAfter: 10,
  delayStepMs: 250,
  maxDelayMs: 2_000,
  deviceLimit: 10,
  secondFactorLimit: 5,
};

/** Failures of one account from one source answered without delay. */
const ACCOUNT_SOURCE_FREE_FAILURES = 2;

/** Which limit refused an attempt. */
export type ThrottleLimit = 'account_source' | 'source' | 'account' | 'device' | 'second_factor';

/**
 * The counters one attempt reserves, in order. Each is counted only while every counter before it is
 * within its limit, so what one source does beyond its own limit never reaches the counters shared with
 * others (the source's, the account's). `account` groups them for `trustgate user unlock`.
 */
export interface AttemptCounters {
  /** the login key the attempt names */
  account: string;
  chain: readonly { key: string; limit: number; kind: ThrottleLimit }[];
}

/** A counter's value after the reservation. */
export interface CounterState {
  key: string;
  count: number;
  windowStartedAt: number;
}

/** The counters of the chain that were counted, in order (fewer than the chain when one was over its limit). */
export type ReservationResult = CounterState[];

export type ThrottleDecision =
  | { kind: 'proceed'; delayMs: number }
  | { kind: 'refuse'; limit: ThrottleLimit; retryAfterMs: number };

export const accountSourceKey = (account: string, source: string) => `as:${account}|${source}`;
export const sourceKey = (source: string) => `s:${source}`;
export const accountKey = (account: string) => `a:${account}`;
export const deviceKey = (deviceId: string) => `d:${deviceId}`;
export const secondFactorKey = (userId: string) => `f:${userId}`;

/** The counters an attempt reserves: through a trusted device cookie, or as an untrusted browser. */
export function attemptCounters(
  policy: ThrottlePolicy,
  attempt: { account: string; source: string; deviceId?: string },
): AttemptCounters {
  if (attempt.deviceId !== undefined) {
    return { account: attempt.account, chain: [{ key: deviceKey(attempt.deviceId), limit: policy.deviceLimit, kind: 'device' }] };
  }
  return {
    account: attempt.account,
    chain: [
      { key: accountSourceKey(attempt.account, attempt.source), limit: policy.accountSourceLimit, kind: 'account_source' },
      { key: sourceKey(attempt.source), limit: policy.sourceLimit, kind: 'source' },
      { key: accountKey(attempt.account), limit: policy.accountLimit, kind: 'account' },
    ],
  };
}

/**
 * The counter a second-factor attempt reserves: one per user, whatever the browser (a six-digit code has
 * a million values, three of which are valid at a time). Grouped under the user's login for unlock.
 */
export function secondFactorCounters(policy: ThrottlePolicy, attempt: { account: string; userId: string }): AttemptCounters {
  return {
    account: attempt.account,
    chain: [{ key: secondFactorKey(attempt.userId), limit: policy.secondFactorLimit, kind: 'second_factor' }],
  };
}

/**
 * Decides from the reserved counts: refused by the first limit exceeded (retry when its window ends),
 * otherwise checked after a delay that grows with the failures already counted.
 */
export function decideAttempt(
  policy: ThrottlePolicy,
  counters: AttemptCounters,
  result: ReservationResult,
  now: number,
): ThrottleDecision {
  for (const [i, link] of counters.chain.entries()) {
    const state = result[i];
    // a counter is skipped only after one before it exceeded its limit; a missing one counts as exceeded
    if (state === undefined || state.count > link.limit) {
      const basis = state ?? result.at(-1);
      const retryAfterMs = basis ? Math.max(0, basis.windowStartedAt + policy.windowMs - now) : policy.windowMs;
      return { kind: 'refuse', limit: link.kind, retryAfterMs };
    }
  }
  // this attempt is counted too: the failures before it are count - 1
  const failuresBefore = (kind: ThrottleLimit) => {
    const i = counters.chain.findIndex((link) => link.kind === kind);
    return i < 0 ? 0 : result[i]!.count - 1;
  };
  const steps = Math.max(
    0,
    failuresBefore('account_source') - ACCOUNT_SOURCE_FREE_FAILURES,
    failuresBefore('account') - policy.accountDelayAfter,
  );
  return { kind: 'proceed', delayMs: Math.min(policy.maxDelayMs, steps * policy.delayStepMs) };
}

/**
 * What a successful sign-in gives back: the counters of this account from this source (and of the
 * device) start again; the source and account-wide counters only return this attempt's own
 * reservation, so a success cannot wipe out failures others caused.
 */
export function releaseAfterSuccess(counters: AttemptCounters): { reset: string[]; refund: string[] } {
  const reset: string[] = [];
  const refund: string[] = [];
  for (const link of counters.chain) (link.kind === 'source' || link.kind === 'account' ? refund : reset).push(link.key);
  return { reset, refund };
}
