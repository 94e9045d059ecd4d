import type { ApiSecret, RegisteredApi } from '../domain/registered-api.js';

/** Registered APIs, the scopes they own, and their secrets (stored only as SHA-256 hashes). */
export interface ApisStore {
  get(audience: string): Promise<RegisteredApi | undefined>;
  list(): Promise<RegisteredApi[]>;
  /** Inserts the API, its scopes and first secrets atomically (a scope owned by another API: unique violation). */
  insert(api: RegisteredApi, secrets: readonly ApiSecret[]): Promise<void>;
  /** Replaces name and scopes atomically; false when the API does not exist. */
  update(api: RegisteredApi): Promise<boolean>;
  /** Deletes the API with its scopes and secrets. */
  delete(audience: string): Promise<boolean>;
  /** The audiences of the registered APIs owning any of these scopes (sorted, each once). */
  audiencesOf(scopes: readonly string[]): Promise<string[]>;
  /** Which of these audiences are registered APIs. */
  registered(audiences: readonly string[]): Promise<string[]>;
  /** The registered API owning each given scope (scope → audience). */
  owners(scopes: readonly string[]): Promise<Map<string, string>>;
  listSecrets(audience: string): Promise<ApiSecret[]>;
  addSecret(secret: ApiSecret): Promise<void>;
  /** Revokes one active secret; false when it is unknown or already revoked. */
  revokeSecret(audience: string, secretId: string, at: number): Promise<boolean>;
}
