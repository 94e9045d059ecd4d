import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { StoredSigningKey } from '../../src/stores/keys.js';
import {
  currentKey, JWKS_MAX_AGE_SECONDS, keyState, newestKey, PUBLISH_AHEAD_SECONDS, rotationDue,
} from '../../src/keys/key-schedule.js';
import { DEFAULT_JWKS_CACHE_MAX_AGE_SECONDS } from '../../src/resource-server/verifier.js';
import { atHash } from '../../src/tokens/token-hash.js';

const T = Date.parse('2027-01-01T00:00:00Z');
const S = 1000;

function row(kid: string, fields: Partial<StoredSigningKey>): StoredSigningKey {
  return {
    kid, alg: 'RS256', publicJwk: '{}', privateKey: '', encrypted: true, createdAt: T, publishFrom: T, signFrom: T,
    retiredAt: null, publishUntil: null, supersedes: 'first:RS256', ...fields,
  };
}

describe('key schedule: which key is published, which one signs', () => {
  // k1 signed from T; k2 was published at T+100 s to sign from T+1010 s, replacing k1 (published 4200 s longer)
  const k1 = row('k1', { retiredAt: T + 1010 * S, publishUntil: T + 5210 * S });
  const k2 = row('k2', { createdAt: T + 100 * S, publishFrom: T + 100 * S, signFrom: T + 1010 * S, supersedes: 'k1' });
  const e1 = row('e1', { alg: 'ES256', supersedes: 'first:ES256' });
  const rows = [k1, k2, e1];

  it('the new key is published and waits; the old one signs until the switch, then stays published, then expires', () => {
    const at = (seconds: number) => [keyState(k1, rows, T + seconds * S), keyState(k2, rows, T + seconds * S), currentKey(rows, 'RS256', T + seconds * S)?.kid];
    assert.deepEqual(at(100), ['current', 'next', 'k1']);
    assert.deepEqual(at(1009), ['current', 'next', 'k1']);
    assert.deepEqual(at(1010), ['retired', 'current', 'k2']);
    assert.deepEqual(at(5209), ['retired', 'current', 'k2']);
    assert.deepEqual(at(5210), ['expired', 'current', 'k2']);
    assert.equal(currentKey(rows, 'ES256', T)?.kid, 'e1', 'one current key per algorithm');
    assert.equal(currentKey(rows, 'EdDSA', T), undefined);
  });

  it('a key replaced before it ever signed never signs', () => {
    const k3 = row('k3', { createdAt: T + 200 * S, publishFrom: T + 200 * S, signFrom: T + 200 * S, supersedes: 'k2' });
    const replaced = [{ ...k1, retiredAt: T + 200 * S }, { ...k2, retiredAt: T + 200 * S }, k3];
    for (const seconds of [200, 1010, 9999]) assert.equal(currentKey(replaced, 'RS256', T + seconds * S)?.kid, 'k3');
    assert.equal(keyState(replaced[1]!, replaced, T + 300 * S), 'retired');
  });

  it('the newest key is the one no other supersedes; rotation is due when it has signed for the interval by the time a successor could take over', () => {
    assert.equal(newestKey(rows, 'RS256')?.kid, 'k2');
    const interval = 3600;
    assert.equal(rotationDue(rows, 'RS256', T + (1010 + interval - PUBLISH_AHEAD_SECONDS) * S - 1, interval), false);
    assert.equal(rotationDue(rows, 'RS256', T + (1010 + interval - PUBLISH_AHEAD_SECONDS) * S, interval), true);
    assert.equal(rotationDue(rows, 'EdDSA', T + 10 * interval * S, interval), false, 'no key, nothing to rotate');
  });

  it('publishes new keys longer ahead than the JWKS max-age plus the resource-server module\'s key cache', () => {
    assert.ok(PUBLISH_AHEAD_SECONDS >= JWKS_MAX_AGE_SECONDS + DEFAULT_JWKS_CACHE_MAX_AGE_SECONDS);
  });
});

describe('at_hash (OpenID Connect Core 3.1.3.6)', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const half = (hash: string) => {
    const digest = createHash(hash).update(token, 'ascii').digest();
    return digest.subarray(0, digest.length / 2).toString('base64url');
  };
  it('the left half of SHA-256 for RS256 and ES256, of SHA-512 for EdDSA', () => {
    assert.equal(atHash(token, 'RS256'), half('sha256'));
    assert.equal(atHash(token, 'ES256'), half('sha256'));
    assert.equal(atHash(token, 'EdDSA'), half('sha512'));
    assert.equal(atHash(token, 'RS256').length, 22, '128 bits');
    assert.equal(atHash(token, 'EdDSA').length, 43, '256 bits');
  });
});
