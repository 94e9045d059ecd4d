/**
 * Refresh-token families (RFC 9700 4.14.2): every refresh token descends from one sign-in; each refresh
 * rotates the token, and presenting a rotated token again revokes the whole family. The decisions are
 * pure functions of the stored records so they can be tested without a database.
 */
export interface RefreshFamily {
  id: string;
  clientId: string;
  userId: string;
  /** scope granted at sign-in: the upper bound for every refresh */
  scope: string[];
  sid: string;
  /** epoch seconds */
  authTime: number;
  amr: string[];
  nonce: string | null;
  createdAt: number;
  /** absolute: the original sign-in + the app's refresh token lifetime */
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
  /** the DPoP key (JWK SHA-256 thumbprint) the refresh tokens are bound to (public apps); null: not bound */
  dpopJkt: string | null;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  /** scope of the access tokens this token yields (RFC 6749 6: identical along the family) */
  scope: string[];
  createdAt: number;
  consumedAt: number | null;
  accessJti: string | null;
  accessExpiresAt: number | null;
  /**
   * Until when (epoch ms) this token, once rotated, may be presented again and still succeed (the reuse
   * grace window); null: never — not rotated yet, retired as a sibling, or closed by a later rotation.
   */
  graceUntil: number | null;
}

/** Why a family was revoked (kept in refresh_families.revoked_reason). */
export type RevocationReason =
  | 'reuse'
  | 'code_replay'
  | 'revoked_by_client'
  | 'user_disabled'
  | 'password_changed'
  | 'password_reset'
  | 'app_disabled'
  | 'app_deleted'
  | 'second_factors_reset'
  /** an administrator ended the user's sessions or revoked the family (admin API, console) */
  | 'revoked_by_admin';

export type RefreshDecision =
  | { kind: 'usable' }
  /** rotated moments ago and presented again within its grace window: a sibling successor may be issued */
  | { kind: 'grace' }
  /** an already rotated token came back: the family must be revoked */
  | { kind: 'reuse' }
  | { kind: 'refused'; reason: string };

/** Seed wording for every refused refresh token ("Common Errors"); a precise reason is appended. */
export const REFRESH_REFUSED = 'refresh token is expired or invalid';

/**
 * Judges a presented refresh token. The token belongs to `clientId`'s family only; a revoked or expired
 * family refuses every token; a consumed (rotated) token is a reuse, unless its grace window is still
 * open (the store makes the final, atomic decision).
 */
export function judgeRefreshToken(
  token: RefreshTokenRecord | undefined,
  family: RefreshFamily | undefined,
  clientId: string,
  now: number,
): RefreshDecision {
  if (!token || !family) return { kind: 'refused', reason: 'the refresh token is unknown' };
  if (family.clientId !== clientId) return { kind: 'refused', reason: 'the refresh token was issued to another client' };
  if (family.revokedAt !== null) return { kind: 'refused', reason: 'the refresh token was revoked' };
  if (now >= family.expiresAt) return { kind: 'refused', reason: 'the refresh token expired; sign the user in again' };
  if (token.consumedAt !== null) {
    return token.graceUntil !== null && now < token.graceUntil ? { kind: 'grace' } : { kind: 'reuse' };
  }
  return { kind: 'usable' };
}

/** Until when a token rotated at `at` may be presented again (null: no window). */
export function graceUntil(at: number, graceSeconds: number): number | null {
  return graceSeconds > 0 ? at + graceSeconds * 1000 : null;
}

/** When a new family ends: its lifetime counts from the sign-in that created it, never from a refresh. */
export function familyExpiresAt(signedInAt: number, lifetimeSeconds: number): number {
  return signedInAt + lifetimeSeconds * 1000;
}

/** Whether a refresh token (of a live family) is still usable, for introspection. */
export function isRefreshTokenActive(
  token: RefreshTokenRecord | undefined,
  family: RefreshFamily | undefined,
  now: number,
): boolean {
  return !!token && !!family && token.consumedAt === null && family.revokedAt === null && now < family.expiresAt;
}
