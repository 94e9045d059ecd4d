import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familyExpiresAt, graceUntil, isRefreshTokenActive, judgeRefreshToken, type RefreshFamily, type RefreshTokenRecord } from './refresh-family.js';

const family: RefreshFamily = {
  id: 'f1', clientId: 'app', userId: 'u1', scope: ['openid', 'offline_access'], sid: 's', authTime: 1, amr: ['pwd'],
  nonce: null, createdAt: 1000, expiresAt: 10_000, revokedAt: null, revokedReason: null, dpopJkt: null,
};
const token: RefreshTokenRecord = {
  tokenHash: 'h', familyId: 'f1', scope: ['openid', 'offline_access'], createdAt: 1000, consumedAt: null, accessJti: 'j', accessExpiresAt: 5000, graceUntil: null,
};

describe('refresh family decisions', () => {
  it('an unconsumed token of a live family of this client is usable', () => {
    assert.deepEqual(judgeRefreshToken(token, family, 'app', 2000), { kind: 'usable' });
    assert.equal(isRefreshTokenActive(token, family, 2000), true);
  });
  it('a consumed token is a reuse (the family must be revoked)', () => {
    assert.deepEqual(judgeRefreshToken({ ...token, consumedAt: 1500 }, family, 'app', 2000), { kind: 'reuse' });
    assert.equal(isRefreshTokenActive({ ...token, consumedAt: 1500 }, family, 2000), false);
  });
  it('a consumed token within its grace window is a grace re-presentation; at its end, a reuse', () => {
    const rotated = { ...token, consumedAt: 1500, graceUntil: 31_500 };
    assert.deepEqual(judgeRefreshToken(rotated, { ...family, expiresAt: 100_000 }, 'app', 31_499), { kind: 'grace' });
    assert.deepEqual(judgeRefreshToken(rotated, { ...family, expiresAt: 100_000 }, 'app', 31_500), { kind: 'reuse' });
    assert.equal(isRefreshTokenActive(rotated, family, 2000), false, 'introspection: a rotated token is not active');
    assert.equal(judgeRefreshToken(rotated, { ...family, revokedAt: 1600 }, 'app', 2000).kind, 'refused');
    assert.equal(judgeRefreshToken(rotated, { ...family, expiresAt: 2000 }, 'app', 2000).kind, 'refused', 'the window never outlives the family');
    assert.deepEqual([graceUntil(1500, 30), graceUntil(1500, 0)], [31_500, null]);
  });
  it('another client, a revoked or an expired family refuse, before reuse is considered', () => {
    assert.equal(judgeRefreshToken({ ...token, consumedAt: 1 }, family, 'other', 2000).kind, 'refused');
    assert.equal(judgeRefreshToken(token, { ...family, revokedAt: 1500 }, 'app', 2000).kind, 'refused');
    assert.equal(judgeRefreshToken(token, family, 'app', 10_000).kind, 'refused');
    assert.equal(judgeRefreshToken(undefined, undefined, 'app', 2000).kind, 'refused');
  });
  it('a family ends its lifetime after the sign-in that created it', () => {
    assert.equal(familyExpiresAt(1000, 60), 61_000);
  });
});
