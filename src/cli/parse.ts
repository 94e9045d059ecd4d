import { InvalidArgumentError } from 'commander';
import { parseDurationSeconds } from '../domain/duration.js';

/** A duration in seconds: `3600`, `90s`, `15m`, `1h`, `30d`. */
export function parseDuration(value: string): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    throw new InvalidArgumentError(`expected a whole number of seconds or a duration such as 90s, 15m, 1h, 30d, got "${value}".`);
  }
  return seconds;
}

/** An absolute time: an ISO 8601 date or date-time (`2026-12-31`, `2026-12-31T18:00:00Z`). */
export function parseTime(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(`expected an ISO 8601 date or time such as 2026-12-31T18:00:00Z, got "${value}".`);
  }
  return ms;
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number from 1 to 1000 (how many entries to show). */
export function parseLimit(value: string): number {
  const n = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= 1 && n <= 1000)) throw new InvalidArgumentError(`expected a whole number from 1 to 1000, got "${value}".`);
  return n;
}

/** A point in time: ISO 8601, or back from now (`24h`, `7d`, `30m`). Kept as text: the service reads it against its clock. */
export function parseSince(value: string): string {
  if (!/^\d{1,9}(s|m|min|h|d)$/.test(value.trim()) && !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    throw new InvalidArgumentError(`expected an ISO 8601 time such as 2026-12-31T18:00:00Z or a time back from now such as 24h or 7d, got "${value}".`);
  }
  return value.trim();
}
