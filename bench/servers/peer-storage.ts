/**
 * The peer's in-memory store (see peer-adapter.ts): unlike oidc-provider's default, capped at 1,000
 * entries (an LRU that evicts live sessions and grants under load, turning them into errors), it
 * keeps everything until it expires, like a database would. Expiry is checked on read and swept
 * every minute.
 */
export class ExpiringMap {
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
