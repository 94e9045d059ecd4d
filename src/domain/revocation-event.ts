/**
 * What the revocation feed tells the APIs. Each entry says which access tokens to refuse from now on:
 * - `jti`: the access token (or reference token) with this id;
 * - `sid`: every token issued in this sign-in session (ended by logout);
 * - `sub`: every token of this user issued before `at` (disabled, password changed, access ended);
 * - `client`: every token of this app issued before `at` (disabled or deleted).
 * `until` is when the entry stops mattering: every token it refuses has expired by then.
 */
export type RevocationEventType = 'jti' | 'sid' | 'sub' | 'client';

export interface RevocationEvent {
  type: RevocationEventType;
  value: string;
  /** epoch milliseconds */
  at: number;
  /** epoch milliseconds */
  until: number;
}

export interface StoredRevocationEvent extends RevocationEvent {
  /** the feed's cursor: grows in commit order */
  seq: number;
}

/** When a `sid`/`sub`/`client` entry stops mattering without a known expiry (no apps): a day. */
export const DEFAULT_LONGEST_ACCESS_TOKEN_SECONDS = 86400;
