/**
 * A one-time password-reset link an administrator handed to a user. The link carries a 256-bit random
 * token; the store keeps only its SHA-256, with the user, the expiry and when it was used.
 */
export interface PasswordReset {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** Where the user sets the new password: `{issuer}/account/reset/<token>`. */
export function passwordResetUrl(issuer: string, token: string): string {
  return `${issuer}/account/reset/${token}`;
}
