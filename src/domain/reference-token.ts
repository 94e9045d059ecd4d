/**
 * A long-lived reference token (the reference file's AccessTokens): an opaque value shown once, stored
 * only as its SHA-256 hash; APIs learn what it stands for by introspection. Issued by an administrator,
 * or by the user for themselves on the account page when the app allows it.
 */
export interface ReferenceToken {
  /** the token's id: its `jti` at introspection and in the revocation feed */
  id: string;
  tokenHash: string;
  userId: string;
  clientId: string;
  scope: string[];
  description: string | null;
  createdBy: 'admin' | 'user';
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export function isReferenceTokenActive(token: ReferenceToken, now: number): boolean {
  return token.revokedAt === null && token.expiresAt > now;
}

/** The longest lifetime a reference token may have (seconds): a year. */
export const MAX_REFERENCE_TOKEN_LIFETIME = 366 * 86400;
/** Opaque reference tokens start with this, so people and secret scanners recognise them. */
export const REFERENCE_TOKEN_PREFIX = 'tgr_';
