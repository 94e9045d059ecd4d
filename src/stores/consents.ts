/** Remembered consent: per user and app, the union of the scopes the user allowed. */
export interface ConsentsStore {
  get(userId: string, clientId: string): Promise<string[]>;
  /** Adds scopes to the remembered grant (creating it); concurrent grants never lose a scope. */
  grant(userId: string, clientId: string, scopes: readonly string[], now: number): Promise<void>;
  /** Forgets a user's grant to an app (or all the user's grants); returns how many were removed. */
  revoke(userId: string, clientId?: string): Promise<number>;
}
