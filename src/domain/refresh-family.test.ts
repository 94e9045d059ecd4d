import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familyExpiresAt, isRefreshTokenActive, judgeRefreshToken, type RefreshFamily, type RefreshTokenRecord } from './refresh-family.js';

const family: RefreshFamily = {
  id: 'f1', clientId: 'app', userId: 'u1', scope: ['openid', 'offline_access'], sid: 's', authTime: 1, amr: ['pwd'],
  nonce: null, createdAt: 1000, expiresAt: 10_000, revokedAt: null, revokedReason: null,
};
const token: RefreshTokenRecord = {
  tokenHash: 'h', familyId: 'f1', scope: ['openid', 'offline_access'], createdAt: 1000, consumedAt: null, accessJti: 'j', accessExpiresAt: 5000,
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
