import os from 'node:os';

/**
 * Imported first by the entry points, before anything can start libuv's thread pool (it reads
 * UV_THREADPOOL_SIZE once, on first use). argon2id already runs one computation per core, and glibc
 * keeps each worker thread's freed 19 MiB argon2id block in that thread's arena, so four workers on a
 * one- or two-core node only add resident memory (the benchmark measured ~40 MB). An explicit
 * UV_THREADPOOL_SIZE is respected.
 */
if (!process.env.UV_THREADPOOL_SIZE) {
  process.env.UV_THREADPOOL_SIZE = String(Math.min(4, Math.max(2, os.availableParallelism())));
}
