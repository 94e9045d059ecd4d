import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** A duration in seconds: `3600`, `90s`, `15m`, `1h`, `30d`. */
export function parseDuration(value: string): number {
  const match = /^(\d{1,9})(s|m|min|h|d)?$/.exec(value.trim());
  if (!match) {
    throw new InvalidArgumentError(`expected a whole number of seconds or a duration such as 90s, 15m, 1h, 30d, got "${value}".`);
  }
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1);
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
