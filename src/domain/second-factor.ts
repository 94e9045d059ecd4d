/** A TOTP credential (RFC 6238). The secret is kept encrypted; `lastUsedStep` stops a code being used twice. */
export interface TotpCredential {
  id: string;
  userId: string;
  /** the encrypted secret envelope (second-factors/secret-box.ts) */
  secret: string;
  createdAt: number;
  /** null while enrolment waits for the first code */
  confirmedAt: number | null;
  /** the last time step whose code was accepted */
  lastUsedStep: number | null;
}

/** What an administrator (and the user) may know about a user's second factors. */
export interface SecondFactorSummary {
  totp: boolean;
  recoveryCodesLeft: number;
  /** the user's passkeys: their names and what they prove, never a key */
  passkeys: { name: string; method: 'hwk' | 'swk'; createdAt: number; lastUsedAt: number | null }[];
}
