const UNITS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** A duration in seconds written as `3600`, `90s`, `15m`, `1h` or `30d`; undefined when it is not one. */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^(\d{1,9})(s|m|min|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1);
}
