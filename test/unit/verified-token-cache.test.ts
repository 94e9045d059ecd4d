import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerifiedTokenCache } from '../../src/tokens/verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  it('answers until exp plus the tolerance, then forgets the token', () => {
    const cache = new VerifiedTokenCache<{ exp?: number; sub: string }>(5);
    cache.add('a.b.c', 'kid-1', { exp: 1_000, sub: 'u1' });
    assert.deepEqual(cache.get('a.b.c', 1_004_999), { claims: { exp: 1_000, sub: 'u1' }, kid: 'kid-1', usableUntilMs: 1_005_000 });
    assert.equal(cache.get('a.b.c', 1_005_000), undefined);
    assert.equal(cache.size, 0, 'an expired entry is dropped');
    assert.equal(cache.get('a.b.x', 0), undefined, 'another token string is another entry');
  });

  it('never holds a token without exp, and never more than its bound (the oldest goes first)', () => {
    const cache = new VerifiedTokenCache<{ exp?: number }>(0, 3);
    cache.add('no.exp.here', 'k', {});
    assert.equal(cache.size, 0);
    for (const t of ['t.1.x', 't.2.x', 't.3.x', 't.4.x']) cache.add(t, 'k', { exp: 10 });
    assert.equal(cache.size, 3);
    assert.equal(cache.get('t.1.x', 0), undefined);
    assert.ok(cache.get('t.4.x', 0));
  });

  it('keeps a fingerprint of the token, not the token', () => {
    const cache = new VerifiedTokenCache<{ exp?: number }>(0);
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
    cache.add(token, 'k', { exp: 10 });
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    assert.equal(keys.length, 1);
    assert.ok(!keys[0]!.includes('eyJ') && keys[0]!.length === 43, 'a base64url SHA-256');
  });
});
