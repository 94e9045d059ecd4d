/**
 * Runs at most `slots` tasks at once; the others wait in arrival order. Used for argon2id: several
 * memory-hard hashes on one core only evict each other's 19 MiB from the caches and keep that memory
 * resident, so one per core is both faster and smaller.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error('a concurrency limit needs at least one slot');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** tasks running now (for tests) */
  get active(): number {
    return this.running;
  }
}
