import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './opaque.js';

/**
 * Server-provided DPoP nonces (RFC 9449 8, 9) that need no shared state per request: a nonce is the
 * number of a time window and an HMAC of it under a secret every node shares (server_secrets). Any
 * node accepts a nonce of the current window, of the previous one (a nonce handed out just before the
 * window turned) and of the next one (another node's clock a little ahead); older ones are stale.
 */
export const DPOP_NONCE_WINDOW_SECONDS = 60;

const SHAPE = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

function windowOf(now: number): number {
  return Math.floor(now / 1000 / DPOP_NONCE_WINDOW_SECONDS);
}

function mac(key: string, window: number): string {
  return createHmac('sha256', key).update(`dpop-nonce:${window}`).digest('base64url');
}

/** The nonce of the window `now` (epoch milliseconds) falls in. */
export function currentDpopNonce(key: string, now: number): string {
  const window = windowOf(now);
  return `${window}.${mac(key, window)}`;
}

/** Whether `nonce` is one of ours (its MAC holds) and of the previous, current or next window. */
export function isCurrentDpopNonce(key: string, nonce: unknown, now: number): boolean {
  if (typeof nonce !== 'string') return false;
  const match = SHAPE.exec(nonce);
  if (!match) return false;
  const window = Number(match[1]);
  const current = windowOf(now);
  if (window < current - 1 || window > current + 1) return false;
  return constantTimeEqual(mac(key, window), match[2]!);
}
