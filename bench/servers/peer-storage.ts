import type { ExpiringStorage } from 'oidc-provider/lib/adapters/memory_adapter.js';

/**
 * The storage behind oidc-provider's own MemoryAdapter, without its 1,000-entry LRU cap: under load
 * the capped store evicts live sessions and grants (spurious errors), so the peer keeps everything
 * until it expires, like a real database would. Expiry is checked on read and swept every minute.
 */
export class ExpiringMap implements ExpiringStorage {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor() {
    setInterval(() => this.sweep(), 60_000).unref();
  }

  get(key: string): any {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: unknown, options?: { maxAge?: number }): void {
    const expiresAt = options?.maxAge !== undefined ? Date.now() + options.maxAge : Number.POSITIVE_INFINITY;
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
