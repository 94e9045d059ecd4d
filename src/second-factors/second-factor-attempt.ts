import type { AppContext } from '../context.js';
import type { User } from '../domain/user.js';
import { loginKey } from '../domain/user.js';
import { decideAttempt, releaseAfterSuccess, secondFactorCounters } from '../domain/throttle.js';
import { verifyTotpCode } from './totp.js';
import { looksLikeRecoveryCode, useRecoveryCode } from './recovery-codes.js';

export type SecondFactorAttempt =
  | { kind: 'refused'; retryAfterMs: number }
  | { kind: 'failed' }
  | { kind: 'verified'; via: 'totp' | 'recovery_code' };

/**
 * One second-factor code (a TOTP code or a recovery code), throttled per user like a password: counted
 * atomically before it is checked, refused unchecked past THROTTLE_SECOND_FACTOR_LIMIT per window.
 */
export async function attemptSecondFactor(ctx: AppContext, user: User, input: string, clientId: string): Promise<SecondFactorAttempt> {
  const policy = ctx.config.throttle;
  const counters = secondFactorCounters(policy, { account: loginKey(user.login), userId: user.id });
  const now = ctx.now();
  const decision = decideAttempt(policy, counters, await ctx.store.throttles.reserve(counters, now, policy.windowMs), now);
  const about = { actor: `user:${user.id}`, clientId, userId: user.id };
  if (decision.kind === 'refuse') {
    await ctx.audit.record({
      ...about,
      action: 'second_factor_throttled',
      outcome: 'refused',
      reason: 'second-factor throttle limit',
      details: { retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000) },
      level: 'warn',
      message: 'second-factor attempt refused by the throttle; the code was not checked',
    });
    return { kind: 'refused', retryAfterMs: decision.retryAfterMs };
  }
  const via = looksLikeRecoveryCode(input) ? 'recovery_code' : 'totp';
  const ok = via === 'recovery_code' ? await useRecoveryCode(ctx, user.id, input) : await verifyTotpCode(ctx, user, input);
  if (!ok) {
    await ctx.audit.record({ ...about, action: 'second_factor_failed', outcome: 'failure', reason: `wrong ${via === 'totp' ? 'authenticator' : 'recovery'} code`, details: { via }, message: 'second-factor code refused' });
    return { kind: 'failed' };
  }
  await ctx.store.throttles.release(releaseAfterSuccess(counters), ctx.now());
  if (via === 'recovery_code') await ctx.audit.record({ ...about, action: 'recovery_code_used', message: 'recovery code used' });
  return { kind: 'verified', via };
}
