import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context.js';
import {
  ACCOUNT_THROTTLE,
  IP_THROTTLE,
  accountThrottleKey,
  activeFailures,
  ipThrottleKey,
  isLocked,
  shouldLock,
  throttleDelayMs,
  type ThrottlePolicy,
} from '../domain/throttle.js';

interface Counter {
  key: string;
  kind: 'account' | 'ip';
  policy: ThrottlePolicy;
}

function counters(loginKey: string, ip: string): Counter[] {
  return [
    { key: accountThrottleKey(loginKey), kind: 'account', policy: ACCOUNT_THROTTLE },
    { key: ipThrottleKey(ip), kind: 'ip', policy: IP_THROTTLE },
  ];
}

/**
 * Before a password is checked: refuses when the account or the IP is locked, otherwise waits the
 * progressive delay earned by earlier failures (a timer: the event loop keeps serving others).
 * Returns the lock's end (epoch ms) when locked.
 */
export async function throttleBeforeAttempt(ctx: AppContext, loginKey: string, ip: string): Promise<number | undefined> {
  const list = counters(loginKey, ip);
  const states = await ctx.store.throttles.get(list.map((c) => c.key));
  const now = ctx.now();
  let delay = 0;
  for (const counter of list) {
    const state = states.find((s) => s.key === counter.key);
    if (isLocked(state, now)) return state!.lockedUntil!;
    delay = Math.max(delay, throttleDelayMs(activeFailures(state, counter.policy, now), counter.policy));
  }
  if (delay > 0) await sleep(delay);
  return undefined;
}

/** Counts a failed attempt for the account and the IP; locks (and logs it) past the limit. */
export async function recordFailedAttempt(
  ctx: AppContext,
  loginKey: string,
  ip: string,
  userId: string | null,
): Promise<void> {
  const now = ctx.now();
  for (const counter of counters(loginKey, ip)) {
    const state = await ctx.store.throttles.recordFailure(counter.key, now, counter.policy.windowMs);
    if (shouldLock(state.failures, counter.policy)) {
      const until = now + counter.policy.lockMs;
      await ctx.store.throttles.lock(counter.key, until, now);
      ctx.log.warn(
        {
          event: 'login_locked',
          throttle: counter.kind,
          failures: state.failures,
          lockedUntil: new Date(until).toISOString(),
          userId: counter.kind === 'account' ? userId : undefined,
          ip,
        },
        `sign-in temporarily locked for this ${counter.kind === 'account' ? 'account' : 'client IP'}`,
      );
    }
  }
}

/** A successful sign-in clears the account's failure counter. */
export async function recordSuccessfulAttempt(ctx: AppContext, loginKey: string): Promise<void> {
  await ctx.store.throttles.reset(accountThrottleKey(loginKey));
}
