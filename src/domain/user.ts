import type { UserKind } from './trusted-application.js';

export interface User {
  /** stable UUID; the `sub` of every token */
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  emailVerified: boolean;
  locale: string | null;
  kind: UserKind;
  isAdmin: boolean;
  enabled: boolean;
  /** the user must use a second factor at every sign-in */
  requireMfa: boolean;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

/** Logins are unique without regard to case. */
export function loginKey(login: string): string {
  return login.normalize('NFC').toLowerCase();
}
