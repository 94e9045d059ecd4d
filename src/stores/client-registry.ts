import type { AppsStore } from './apps.js';
import type { ClientSecret, TrustedApplication } from '../domain/trusted-application.js';

export interface RegisteredClient {
  app: TrustedApplication;
  secrets: ClientSecret[];
}

/**
 * Reads Trusted Applications (with their secrets) through a short-lived cache, so a request does not
 * look the same app up several times, while disabling an app still reaches every node within
 * `ttlMs` (the kill switch). A `ttlMs` of 0 disables caching.
 */
export class ClientRegistry {
  private readonly cache = new Map<string, { at: number; value: Promise<RegisteredClient | undefined> }>();

  constructor(
    private readonly apps: AppsStore,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  get(clientId: string): Promise<RegisteredClient | undefined> {
    const now = this.now();
    const hit = this.cache.get(clientId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.load(clientId);
    if (this.ttlMs > 0) {
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(clientId, { at: now, value });
      value.catch(() => this.cache.delete(clientId));
    }
    return value;
  }

  /** Forget a cached record (after a change made by this process). */
  invalidate(clientId: string): void {
    this.cache.delete(clientId);
  }

  private async load(clientId: string): Promise<RegisteredClient | undefined> {
    const app = await this.apps.get(clientId);
    if (!app) return undefined;
    const secrets = app.clientType === 'confidential' ? await this.apps.listSecrets(clientId) : [];
    return { app, secrets };
  }
}
