import { isSigningAlg, SIGNING_ALGS, type SigningAlg } from '../domain/signing-alg.js';
import type { StoredSigningKey } from '../stores/keys.js';
import { DEFAULT_JWKS_CACHE_MAX_AGE_SECONDS } from '../resource-server/verifier.js';

/**
 * The life of a signing key, as pure functions of the stored rows and the time: every node reads the
 * same rows and agrees without talking to the others.
 *
 *   published from ──► signs from ──► retired (a successor signs) ──► published until
 *        (next)           (current)          (retired)                    (expired)
 */

/** How long a node reuses the key rows it read (a rotation reaches every node within this). */
export const KEY_RING_REFRESH_SECONDS = 10;
/** The max-age the JWKS endpoint sends. */
export const JWKS_MAX_AGE_SECONDS = 300;
/**
 * How long a new key is published before it signs: every node has read it, every cached JWKS (the
 * endpoint's max-age) and every resource server's key cache (the module's default) has expired once.
 */
export const PUBLISH_AHEAD_SECONDS = KEY_RING_REFRESH_SECONDS + JWKS_MAX_AGE_SECONDS + DEFAULT_JWKS_CACHE_MAX_AGE_SECONDS;

export type KeyState = 'next' | 'current' | 'retired' | 'expired';

/** `supersedes` of an algorithm's first key: unique, so nodes starting together create one. */
export function firstKeyMarker(alg: SigningAlg): string {
  return `first:${alg}`;
}

export function isPublished(row: StoredSigningKey, now: number): boolean {
  return row.publishFrom <= now && (row.publishUntil === null || row.publishUntil > now);
}

function signsAt(row: StoredSigningKey, now: number): boolean {
  return row.signFrom <= now && (row.retiredAt === null || row.retiredAt > now);
}

/** The key that signs `alg` tokens at `now`: the latest to start signing among those not retired. */
export function currentKey(rows: readonly StoredSigningKey[], alg: SigningAlg, now: number): StoredSigningKey | undefined {
  let best: StoredSigningKey | undefined;
  for (const row of rows) {
    if (row.alg !== alg || !signsAt(row, now)) continue;
    if (!best || row.signFrom > best.signFrom || (row.signFrom === best.signFrom && row.createdAt > best.createdAt)) best = row;
  }
  return best;
}

/** The key a rotation of `alg` replaces: the newest one no other key supersedes yet. */
export function newestKey(rows: readonly StoredSigningKey[], alg: SigningAlg): StoredSigningKey | undefined {
  const superseded = new Set(rows.map((row) => row.supersedes));
  return rows
    .filter((row) => row.alg === alg && !superseded.has(row.kid))
    .sort((a, b) => b.createdAt - a.createdAt || (a.kid < b.kid ? -1 : 1))[0];
}

export function keyState(row: StoredSigningKey, rows: readonly StoredSigningKey[], now: number): KeyState {
  if (!isPublished(row, now)) return 'expired';
  if (isSigningAlg(row.alg) && currentKey(rows, row.alg, now)?.kid === row.kid) return 'current';
  if (row.signFrom > now && (row.retiredAt === null || row.retiredAt > row.signFrom)) return 'next';
  return 'retired';
}

/** The algorithms that have keys (each rotates on the schedule). */
export function algorithmsWithKeys(rows: readonly StoredSigningKey[]): SigningAlg[] {
  return SIGNING_ALGS.filter((alg) => rows.some((row) => row.alg === alg));
}

/**
 * Whether `alg` is due for its scheduled rotation: its newest key has signed (or will have signed) for
 * `intervalSeconds` by the time a successor published now could take over.
 */
export function rotationDue(rows: readonly StoredSigningKey[], alg: SigningAlg, now: number, intervalSeconds: number): boolean {
  const newest = newestKey(rows, alg);
  if (!newest) return false;
  return now >= newest.signFrom + (intervalSeconds - PUBLISH_AHEAD_SECONDS) * 1000;
}
