/**
 * What-if experiment (`npm run bench -- --whatif argon2-limit`): preloaded into a Trustgate process,
 * it lets only as many argon2id computations run at once as the process has cores
 * (`os.availableParallelism()`, 1 when pinned), queueing the others — the change proposed in
 * bench/README.md for src/domain/password.ts. Signatures keep the whole thread pool.
 */
import os from 'node:os';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const argon2 = require('argon2') as Record<string, (...args: unknown[]) => Promise<unknown>>;
const limit = Math.max(1, os.availableParallelism());
let running = 0;
const queue: Array<() => void> = [];

async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    queue.shift()?.();
  }
}

for (const name of ['hash', 'verify']) {
  const original = argon2[name]!;
  argon2[name] = (...args: unknown[]) => limited(() => original(...args));
}
