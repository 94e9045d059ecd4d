import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_THROTTLE_POLICY as policy,
  attemptCounters,
  decideAttempt,
  releaseAfterSuccess,
  type ReservationResult,
} from './throttle.js';

const now = 1_000_000;
const counted = (...counts: number[]): ReservationResult => counts.map((count, i) => ({ key: `k${i}`, count, windowStartedAt: now - 60_000 }));

describe('sign-in throttle policy', () => {
  const untrusted = attemptCounters(policy, { account: 'alice', source: '10.0.0.1' });
  const trusted = attemptCounters(policy, { account: 'alice', source: '10.0.0.1', deviceId: 'dev' });

  it('an untrusted attempt counts against the account from this source, the source, then the account', () => {
    assert.deepEqual(untrusted.chain.map((link) => [link.key, link.limit]), [
      ['as:alice|10.0.0.1', policy.accountSourceLimit],
      ['s:10.0.0.1', policy.sourceLimit],
      ['a:alice', policy.accountLimit],
    ]);
  });

  it('an attempt through the device cookie counts only against that device', () => {
    assert.deepEqual(trusted.chain.map((link) => link.key), ['d:dev']);
  });

  it('the first limit exceeded refuses, with the time left in its window', () => {
    assert.deepEqual(decideAttempt(policy, untrusted, counted(policy.accountSourceLimit + 1), now), {
      kind: 'refuse', limit: 'account_source', retryAfterMs: policy.windowMs - 60_000,
    });
    assert.equal(decideAttempt(policy, untrusted, counted(1, policy.sourceLimit + 1), now).kind, 'refuse');
    assert.deepEqual(
      (decideAttempt(policy, untrusted, counted(1, 1, policy.accountLimit + 1), now) as { limit: string }).limit,
      'account',
    );
    assert.deepEqual((decideAttempt(policy, trusted, counted(policy.deviceLimit + 1), now) as { limit: string }).limit, 'device');
  });

  it('a chain cut short (a counter skipped because one before it was over) never proceeds', () => {
    assert.equal(decideAttempt(policy, untrusted, counted(1), now).kind, 'refuse');
  });

  it('at the limit itself the attempt is still checked', () => {
    assert.equal(decideAttempt(policy, untrusted, counted(policy.accountSourceLimit, policy.sourceLimit, policy.accountLimit), now).kind, 'proceed');
  });

  it('answers slow down with the failures already counted, up to the maximum', () => {
    const delay = (...counts: number[]) => (decideAttempt(policy, untrusted, counted(...counts), now) as { delayMs: number }).delayMs;
    assert.equal(delay(1, 1, 1), 0);
    assert.equal(delay(3, 3, 3), 0, 'two failures from this source are free');
    assert.equal(delay(4, 4, 4), policy.delayStepMs);
    assert.equal(delay(1, 1, policy.accountDelayAfter + 1), 0);
    assert.equal(delay(1, 1, policy.accountDelayAfter + 3), 2 * policy.delayStepMs);
    assert.equal(delay(1, 1, policy.accountLimit), policy.maxDelayMs);
    assert.equal((decideAttempt(policy, trusted, counted(policy.deviceLimit), now) as { delayMs: number }).delayMs, 0);
  });

  it('a success resets the account-from-source and device counters and only refunds the shared ones', () => {
    assert.deepEqual(releaseAfterSuccess(untrusted), { reset: ['as:alice|10.0.0.1'], refund: ['s:10.0.0.1', 'a:alice'] });
    assert.deepEqual(releaseAfterSuccess(trusted), { reset: ['d:dev'], refund: [] });
  });
});
