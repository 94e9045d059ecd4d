import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, round } from '../lib/stats.js';

/** What a scenario hands the measuring loops: per-client states and the operation on one. */
export interface Workload<S> {
  states: S[];
  op(state: S): Promise<void>;
}

/** Thrown by an operation when its prepared material (e.g. minted codes) ran out: ends the run. */
export class Exhausted extends Error {}

export interface RunResult {
  /** operations completed inside the measured window */
  ops: number;
  /** operations that failed, over the whole run (warm-up included) */
  errors: number;
  errorSamples: string[];
  seconds: number;
  opsPerSecond: number;
  /** milliseconds */
  p50: number;
  p99: number;
  max: number;
  /** paced runs: the rate asked for */
  targetRate?: number;
  /** successful operations over the whole run, warm-up included */
  totalOps: number;
  /** paced runs: operations slower than 20 ms, as [ms since the window opened, latency ms] (first 100) */
  slowOps?: Array<[number, number]>;
}

class Recorder {
  readonly latencies: number[] = [];
  errors = 0;
  totalOps = 0;
  private readonly samples = new Map<string, number>();

  error(error: unknown): void {
    this.errors += 1;
    const message = error instanceof Error ? error.message : String(error);
    if (this.samples.size < 5 || this.samples.has(message)) this.samples.set(message, (this.samples.get(message) ?? 0) + 1);
  }

  result(seconds: number, extra: Partial<RunResult> = {}): RunResult {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      ops: sorted.length,
      errors: this.errors,
      errorSamples: [...this.samples].map(([message, count]) => `${count}× ${message}`),
      seconds: round(seconds, 3),
      opsPerSecond: seconds > 0 ? round(sorted.length / seconds, 1) : 0,
      p50: round(percentile(sorted, 50), 2),
      p99: round(percentile(sorted, 99), 2),
      max: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN, 2),
      totalOps: this.totalOps,
      ...extra,
    };
  }
}

/**
 * Closed loop: every client runs one operation after the other for warm-up + duration. Only
 * operations that start after the warm-up and end inside the window count toward rate and latency.
 */
export async function closedLoop<S>(workload: Workload<S>, warmupMs: number, durationMs: number): Promise<RunResult> {
  const recorder = new Recorder();
  const start = performance.now();
  const warmEnd = start + warmupMs;
  const end = warmEnd + durationMs;
  let exhaustedAt: number | undefined;
  let lastCounted = warmEnd;
  await Promise.all(
    workload.states.map(async (state) => {
      for (;;) {
        const t0 = performance.now();
        if (t0 >= end || exhaustedAt !== undefined) return;
        try {
          await workload.op(state);
        } catch (error) {
          if (error instanceof Exhausted) {
            exhaustedAt ??= t0;
            return;
          }
          recorder.error(error);
          continue;
        }
        const t1 = performance.now();
        recorder.totalOps += 1;
        if (t0 >= warmEnd && t1 <= end) {
          recorder.latencies.push(t1 - t0);
          if (t1 > lastCounted) lastCounted = t1;
        }
      }
    }),
  );
  if (exhaustedAt !== undefined && exhaustedAt < warmEnd) {
    recorder.error(new Error('the prepared material ran out during the warm-up: prepare more (e.g. --codes)'));
  }
  const windowEnd = exhaustedAt === undefined ? end : Math.min(end, lastCounted);
  return recorder.result((windowEnd - warmEnd) / 1000);
}

/**
 * Open loop at a fixed arrival rate (for latency at a given load): operations are scheduled
 * evenly; each takes a free client state (waiting when none is free) and its latency is measured
 * from its scheduled start, so queueing delay counts (no coordinated omission).
 */
export async function pacedLoop<S>(workload: Workload<S>, rate: number, warmupMs: number, durationMs: number): Promise<RunResult> {
  const recorder = new Recorder();
  const idle = [...workload.states];
  const waiting: Array<(state: S) => void> = [];
  const acquire = (): Promise<S> => {
    const state = idle.pop();
    return state !== undefined ? Promise.resolve(state) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (state: S) => {
    const next = waiting.shift();
    if (next) next(state);
    else idle.push(state);
  };
  const start = performance.now();
  const warmEnd = start + warmupMs;
  const end = warmEnd + durationMs;
  const interval = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  const slowOps: Array<[number, number]> = [];
  let exhausted = false;
  let scheduledCount = 0;
  const launch = (scheduled: number) => {
    const run = (async () => {
      const state = await acquire();
      try {
        await workload.op(state);
        recorder.totalOps += 1;
        const done = performance.now();
        if (scheduled >= warmEnd && done <= end + 5_000) {
          recorder.latencies.push(done - scheduled);
          if (done - scheduled > 20 && slowOps.length < 100) slowOps.push([Math.round(scheduled - warmEnd), Math.round(done - scheduled)]);
        }
      } catch (error) {
        if (error instanceof Exhausted) exhausted = true;
        else recorder.error(error);
      } finally {
        release(state);
      }
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };
  while (!exhausted) {
    const scheduled = start + scheduledCount * interval;
    if (scheduled >= end) break;
    const wait = scheduled - performance.now();
    // always yield to the event loop (the operations in flight need it), sleeping when there is time
    if (wait > 1) await sleep(wait);
    else await new Promise<void>((resolve) => setImmediate(resolve));
    // launch every operation whose time has come (timers are coarser than the interval)
    const now = performance.now();
    while (start + scheduledCount * interval <= now && start + scheduledCount * interval < end) {
      launch(start + scheduledCount * interval);
      scheduledCount += 1;
    }
  }
  await Promise.all(inFlight);
  return recorder.result(durationMs / 1000, { targetRate: round(rate, 1), slowOps });
}
