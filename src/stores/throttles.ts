import type { AttemptCounters, CounterState, ReservationResult } from '../domain/throttle.js';

/** Sign-in throttle counters, shared by every node. */
export interface ThrottlesStore {
  /**
   * Reserves one attempt atomically on the counters of `counters.chain`, in order: each is counted only
   * while every counter before it is within its limit (a counter whose window of `windowMs` ran out
   * restarts at 1). Returns the counted ones with their new counts. Simultaneous reservations on any
   * number of nodes each get their own count.
   */
  reserve(counters: AttemptCounters, now: number, windowMs: number): Promise<ReservationResult>;
  /** After a success: deletes the `reset` counters and gives one back on the `refund` counters (never below 0). */
  release(release: { reset: readonly string[]; refund: readonly string[] }, now: number): Promise<void>;
  get(keys: readonly string[]): Promise<CounterState[]>;
  /** Deletes every counter of an account (`trustgate user unlock`); returns how many. */
  clearAccount(account: string): Promise<number>;
  /** Removes counters untouched since `before` (bounded batch). */
  pruneStale(before: number, limit?: number): Promise<number>;
}
