import type { ThrottleState } from '../domain/throttle.js';

/** Failure counters for sign-in throttling, shared by every node. */
export interface ThrottlesStore {
  get(keys: readonly string[]): Promise<ThrottleState[]>;
  /** Counts one failure atomically (a window older than `windowMs` restarts at 1) and returns the new state. */
  recordFailure(key: string, now: number, windowMs: number): Promise<ThrottleState>;
  /** Locks a key until `until` (keeps a later lock already in place). */
  lock(key: string, until: number, now: number): Promise<void>;
  reset(key: string): Promise<void>;
  /** Removes counters untouched since `before` (bounded batch). */
  pruneStale(before: number, limit?: number): Promise<number>;
}
