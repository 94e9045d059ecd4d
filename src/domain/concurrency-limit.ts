/**
 * Runs at most `slots` tasks at once; the others wait in arrival order. Used for argon2id: several
 * memory-hard hashes on one core only evict each other's 19 MiB from the caches and keep that memory
 * resident, so one per core is both faster and smaller.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error('a concurrency limit needs at least one slot');
  }

  /** Changes the number of slots (tasks already running finish; waiting ones start as slots free up). */
  resize(slots: number): void {
    if (!Number.isInteger(slots) || slots < 1) throw new Error('a concurrency limit needs at least one slot');
    this.slots = slots;
    while (this.running < this.slots && this.waiting.length > 0) {
      this.running += 1;
      this.waiting.shift()!();
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      // hand the slot to the next waiter, unless resize() took slots away
      const next = this.running <= this.slots ? this.waiting.shift() : undefined;
      if (next) next();
      else this.running -= 1;
    }
  }

  /** tasks running now (for tests) */
  get active(): number {
    return this.running;
  }
}
