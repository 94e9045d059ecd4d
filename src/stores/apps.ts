import type { ClientSecret, TrustedApplication } from '../domain/trusted-application.js';

/** Trusted Applications and their client secrets (stored only as SHA-256 hashes). */
export interface AppsStore {
  get(clientId: string): Promise<TrustedApplication | undefined>;
  list(): Promise<TrustedApplication[]>;
  /** Inserts the app and its first secrets atomically. */
  insert(app: TrustedApplication, secrets: readonly ClientSecret[]): Promise<void>;
  /**
   * Replaces the app's fields; atomically also revokes every active secret (`revokeSecretsAt`, when an
   * app becomes public) and adds a secret. False (and nothing changed) when the app does not exist.
   */
  update(app: TrustedApplication, options?: { revokeSecretsAt?: number; addSecret?: ClientSecret }): Promise<boolean>;
  /**
   * Registers an app that Trustgate itself defines (a built-in app): inserts it, or brings the stored
   * record's fields up to date, keeping its creation time (`updatedAt` is written only when a field
   * changed). One statement, so several nodes starting at once all succeed. True when it wrote.
   */
  upsert(app: TrustedApplication): Promise<boolean>;
  /**
   * Deletes the app with its secrets, atomically revoking its refresh-token families (reason
   * `app_deleted`) and removing its consents, unconsumed codes and pending interactions.
   */
  delete(clientId: string, at: number): Promise<boolean>;
  /** The longest access-token lifetime of any app in seconds (undefined: no apps). */
  longestAccessTokenLifetime(): Promise<number | undefined>;
  /** The signing algorithms apps chose for their ID or access tokens, each once. */
  chosenSigningAlgs(): Promise<string[]>;
  listSecrets(clientId: string): Promise<ClientSecret[]>;
  addSecret(secret: ClientSecret): Promise<void>;
  /** Revokes one active secret; false when it is unknown or already revoked. */
  revokeSecret(clientId: string, secretId: string, at: number): Promise<boolean>;
}
