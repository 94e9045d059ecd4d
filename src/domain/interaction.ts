/** OpenID Connect prompt values Trustgate supports. */
export type PromptValue = 'none' | 'login' | 'consent';

/** An authorization request that passed every check: what the interaction carries until the code is issued. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  scope: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  prompt: PromptValue[];
  maxAge: number | null;
  loginHint: string | null;
  uiLocales: string[];
  /** subject named by a verified id_token_hint */
  idTokenHintSubject: string | null;
  /** acr_values as sent (unknown values are ignored when the level is decided); absent on older records */
  acrValues?: string[];
}

/** A pending sign-in, kept server-side and bound to one browser. */
export interface Interaction {
  id: string;
  browserHash: string;
  csrfHash: string;
  clientId: string;
  request: AuthorizationRequest;
  /** set once a user is known (signed in here, or from a live session) */
  userId: string | null;
  /** the public `sid` of that user's SSO session (stable while the session's cookie value is renewed) */
  sessionSid: string | null;
  /**
   * The user who passed a first factor in this interaction (or the signed-in user stepping up), and the
   * methods used so far, while a second factor is still to come; null otherwise.
   */
  pendingUserId: string | null;
  pendingAmr: string[] | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
}

export function isInteractionUsable(interaction: Interaction, now: number): boolean {
  return interaction.completedAt === null && interaction.expiresAt > now;
}
