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

let count = 0;
const start = performance.now();
const end = start + durationMs;
// as many in flight as libuv has threads (4): the core is the limit, not the queue
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (performance.now() < end) {
      if (!(await argon2.verify(hash, password))) throw new Error('verification failed');
      count += 1;
    }
  }),
);
const verifyPerSecond = Math.round((count / ((performance.now() - start) / 1000)) * 10) / 10;
process.stdout.write(`${JSON.stringify({ verifyPerSecond, params: { memoryKiB: params.memoryCost, iterations: params.timeCost, parallelism: params.parallelism } })}\n`);
