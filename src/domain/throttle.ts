/**
 * Login throttling policy (pure). Failed sign-ins are counted per account (login key) and per client
 * IP in the store, so every node sees the same counters. A few failures are free; after that each
 * failure is answered more slowly; past a limit the key is locked for a while.
 */
export interface ThrottlePolicy {
  /** failures counted within this window (ms) */
  windowMs: number;
  /** failures answered without delay */
  freeFailures: number;
  /** delay added per failure beyond the free ones (ms) */
  delayStepMs: number;
  maxDelayMs: number;
  /** failures after which the key is locked */
  lockAfter: number;
  lockMs: number;
}

export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  freeFailures: 3,
  delayStepMs: 250,
  maxDelayMs: 2_000,
  lockAfter: 8,
  lockMs: 15 * 60_000,
};

export const IP_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  freeFailures: 10,
  delayStepMs: 250,
  maxDelayMs: 2_000,
  lockAfter: 50,
  lockMs: 15 * 60_000,
};

export interface ThrottleState {
  key: string;
  failures: number;
  windowStartedAt: number;
  lockedUntil: number | null;
}

export const accountThrottleKey = (loginKey: string) => `login:${loginKey}`;
export const ipThrottleKey = (ip: string) => `ip:${ip}`;

/** Failures that still count (the window has not run out). */
export function activeFailures(state: ThrottleState | undefined, policy: ThrottlePolicy, now: number): number {
  if (!state || state.windowStartedAt + policy.windowMs <= now) return 0;
  return state.failures;
}

/** Delay before answering an attempt, given the failures already counted. */
export function throttleDelayMs(failures: number, policy: ThrottlePolicy): number {
  const extra = failures - policy.freeFailures;
  if (extra <= 0) return 0;
  return Math.min(extra * policy.delayStepMs, policy.maxDelayMs);
}

export function isLocked(state: ThrottleState | undefined, now: number): boolean {
  return state?.lockedUntil != null && state.lockedUntil > now;
}

/** Whether this failure count must lock the key. */
export function shouldLock(failures: number, policy: ThrottlePolicy): boolean {
  return failures >= policy.lockAfter;
}
