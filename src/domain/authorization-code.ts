/** What an authorization code is bound to (stored under the SHA-256 of the code). */
export interface AuthorizationCodeRecord {
  codeHash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  nonce: string | null;
  sid: string;
  /** epoch seconds */
  authTime: number;
  amr: string[];
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  issuedFamilyId: string | null;
  issuedAccessJti: string | null;
  issuedAccessExpiresAt: number | null;
}
