import { invalid } from '../../errors/admin-error.js';
import { MAX_REFRESH_REUSE_GRACE_SECONDS } from '../../domain/trusted-application.js';

export const ACCESS_TOKEN_LIFETIME_BOUNDS = { min: 60, max: 86_400 } as const;
export const REFRESH_TOKEN_LIFETIME_BOUNDS = { min: 300, max: 366 * 86_400 } as const;

function bounded(name: string, field: string, value: number, bounds: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw invalid(
      'lifetime_invalid',
      `the ${name} lifetime must be a whole number of seconds between ${bounds.min} and ${bounds.max}, got ${String(value)}`,
      [field],
    );
  }
  return value;
}

/** Access tokens: 1 minute to 1 day (they cannot be recalled once issued, keep them short). */
export function checkAccessTokenLifetime(seconds: number): number {
  return bounded('access-token', 'accessTokenLifetime', seconds, ACCESS_TOKEN_LIFETIME_BOUNDS);
}

/** The refresh-token reuse grace window: 0 (none) to 300 seconds; null follows REFRESH_REUSE_GRACE_SECONDS. */
export function checkRefreshReuseGrace(seconds: number | null): number | null {
  if (seconds === null) return null;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_REFRESH_REUSE_GRACE_SECONDS) {
    throw invalid(
      'refresh_reuse_grace_invalid',
      `the refresh-token reuse grace window must be a whole number of seconds between 0 and ${MAX_REFRESH_REUSE_GRACE_SECONDS}, got ${String(seconds)}`,
      ['refreshReuseGraceSeconds'],
    );
  }
  return seconds;
}

/** Refresh tokens: 5 minutes to 366 days. */
export function checkRefreshTokenLifetime(seconds: number): number {
  return bounded('refresh-token', 'refreshTokenLifetime', seconds, REFRESH_TOKEN_LIFETIME_BOUNDS);
}
