import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { loginKey } from '../domain/user.js';
import { verifyPassword } from '../domain/password.js';
import { throttleSource } from '../domain/source-address.js';
import {
  attemptCounters,
  decideAttempt,
  releaseAfterSuccess,
  type AttemptCounters,
  type ThrottleDecision,
  type ThrottleLimit,
} from '../domain/throttle.js';
import type { DeviceCookie } from './device-cookie.js';

export type PasswordAttempt =
  | { kind: 'refused'; limit: ThrottleLimit; retryAfterMs: number }
  | { kind: 'failed' }
  | { kind: 'verified'; user: User };

export interface PasswordAttemptInput {
  login: string;
  password: string;
  /** the client address as Fastify resolved it (TRUST_PROXY) */
  ip: string | undefined;
  /** the browser's device cookie, if it has a valid one */
  device: DeviceCookie | undefined;
  /** for the log */
  clientId: string;
}

/**
 * One password attempt, throttled: the attempt is counted atomically in the store before the password
 * is looked at (domain/throttle.ts says which counters and what they allow); a refused attempt never
 * reaches argon2id; an allowed one may wait first. Unknown logins are counted and take as long as
 * known ones.
 */
export async function attemptPassword(ctx: AppContext, input: PasswordAttemptInput): Promise<PasswordAttempt> {
  const policy = ctx.config.throttle;
  const account = loginKey(input.login);
  const source = throttleSource(input.ip);
  const user = await ctx.store.users.getByLogin(input.login);
  const trusted = input.device !== undefined && user !== undefined && input.device.userId === user.id;

  let counters = attemptCounters(policy, { account, source, deviceId: trusted ? input.device!.deviceId : undefined });
  let decision = await reserve(ctx, counters);
  if (trusted && decision.kind === 'refuse') {
    // too many failures through this device cookie: the browser is no longer trusted, it counts like any other
    counters = attemptCounters(policy, { account, source });
    decision = await reserve(ctx, counters);
  }
  const about = {
    actor: user ? `user:${user.id}` : 'anonymous',
    clientId: input.clientId,
    userId: user?.id ?? null,
    sourceAddress: input.ip ?? null,
  };
  const log = { source, trustedDevice: trusted };
  if (decision.kind === 'refuse') {
    await ctx.audit.record({
      ...about,
      action: 'login_throttled',
      outcome: 'refused',
      reason: `throttle limit: ${decision.limit}`,
      details: { limit: decision.limit, retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000), ...log },
      level: 'warn',
      message: 'sign-in attempt refused by a throttle limit; the password was not checked',
    });
    return { kind: 'refused', limit: decision.limit, retryAfterMs: decision.retryAfterMs };
  }
  if (decision.delayMs > 0) {
    await ctx.audit.record({ ...about, action: 'login_delayed', details: { delayMs: decision.delayMs, ...log }, message: 'sign-in attempt delayed' });
    await sleep(decision.delayMs);
  }
  const ok = await verifyPassword(user?.passwordHash, input.password, ctx.config.argon2);
  if (!ok || !user) {
    await ctx.audit.record({
      ...about,
      action: 'login_failed',
      outcome: 'failure',
      reason: user ? 'wrong_password' : 'unknown_login',
      details: log,
      message: 'sign-in failed',
    });
    return { kind: 'failed' };
  }
  await ctx.store.throttles.release(releaseAfterSuccess(counters), ctx.now());
  return { kind: 'verified', user };
}

async function reserve(ctx: AppContext, counters: AttemptCounters): Promise<ThrottleDecision> {
  const now = ctx.now();
  const result = await ctx.store.throttles.reserve(counters, now, ctx.config.throttle.windowMs);
  return decideAttempt(ctx.config.throttle, counters, result, now);
}
