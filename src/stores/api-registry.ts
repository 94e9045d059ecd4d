import type { ApisStore } from './apis.js';

/**
 * Which registered API owns a scope, and which audiences are registered APIs, read through a
 * short-lived cache: every token a grant mints asks for its audiences, and every access token a
 * resource check verifies asks whether its `aud` is ours, while the registry changes only by an
 * administrator's hand. A change made on this node is seen at once (`invalidate`); other nodes see it
 * within `ttlMs`, as they see a disabled app (CLIENT_CACHE_SECONDS). A `ttlMs` of 0 disables caching.
 */
export class ApiRegistry {
  private readonly owned = new Map<string, { at: number; value: Promise<Map<string, string>> }>();
  private readonly known = new Map<string, { at: number; value: Promise<boolean> }>();

  constructor(
    private readonly apis: Pick<ApisStore, 'owners' | 'registered'>,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 1_000,
  ) {}

  /** The registered API owning each given scope (scope → audience); scopes nobody owns are absent. Shared: do not change it. */
  async owners(scopes: readonly string[]): Promise<Map<string, string>> {
    if (scopes.length === 0) return new Map();
    const key = JSON.stringify([...scopes].sort());
    return this.cached(this.owned, key, () => this.apis.owners(scopes));
  }

  /** Whether any of these audiences is a registered API. */
  async anyRegistered(audiences: readonly string[]): Promise<boolean> {
    if (audiences.length === 0) return false;
    const key = JSON.stringify([...audiences].sort());
    return this.cached(this.known, key, async () => (await this.apis.registered(audiences)).length > 0);
  }

  /** Forget everything cached (after a change to the registry made by this process). */
  invalidate(): void {
    this.owned.clear();
    this.known.clear();
  }

  private cached<T>(cache: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    if (this.ttlMs > 0) {
      // many distinct scope sets (clients choose them) cannot grow the cache without bound
      if (cache.size >= this.maxEntries) cache.clear();
      const entry = { at: now, value };
      cache.set(key, entry);
      value.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
    }
    return value;
  }
}
