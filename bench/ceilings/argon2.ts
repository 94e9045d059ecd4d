#!/usr/bin/env node
/**
 * Ceiling: argon2id verifications per second on this (pinned) core, with Trustgate's parameters
 * (ARGON2_MEMORY_KIB / ARGON2_ITERATIONS / ARGON2_PARALLELISM, OWASP defaults 19456 / 2 / 1).
 * A sign-in costs one verification, which costs the same as one hash.
 *   node dist/bench/ceilings/argon2.js <durationMs>   → {"verifyPerSecond": …, "params": …}
 */
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';

const durationMs = Number(process.argv[2] ?? '3000');
const params = {
  type: argon2.argon2id as 2,
  memoryCost: Number(process.env.ARGON2_MEMORY_KIB || '19456'),
  timeCost: Number(process.env.ARGON2_ITERATIONS || '2'),
  parallelism: Number(process.env.ARGON2_PARALLELISM || '1'),
};
const password = 'correct horse battery staple';
const hash = await argon2.hash(password, params);
await argon2.verify(hash, password);

async function rate(parallel: number): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < end) {
        if (!(await argon2.verify(hash, password))) throw new Error('verification failed');
        count += 1;
      }
    }),
  );
  return Math.round((count / ((performance.now() - start) / 1000)) * 10) / 10;
}

// one at a time (the function's own rate on this core), and four at once (libuv's default pool:
// on one core they compete for the same caches, 19 MiB each)
const sequential = await rate(1);
const fourAtOnce = await rate(4);
process.stdout.write(
  `${JSON.stringify({
    verifyPerSecond: Math.max(sequential, fourAtOnce),
    sequential,
    fourAtOnce,
    params: { memoryKiB: params.memoryCost, iterations: params.timeCost, parallelism: params.parallelism },
  })}\n`,
);
