/**
 * Makes an audit event's details safe and small: a value under a name that says secret, password,
 * token, code, verifier, hash, hint, assertion or cookie is replaced by "[redacted]" unless it is a
 * boolean or number, or the name only describes such a value (`secretId`, `accessTokenLifetime`,
 * `codeChallengeMethod`…);
 * strings are cut to 500 characters, lists to 20 entries, nesting to 3 levels, the whole to about 4 KB.
 * Callers still put no secret into details: this is the net under them, not the rule.
 */
const SENSITIVE = /code|token|otp|pin$|password|passwd|secret|verifier|assertion|cookie|hash|authorization|credential|hint/i;
/** names that only describe such a value (its id, lifetime, method, count…) */
const DESCRIPTIVE = /(Id|Ids|_id|Lifetime|_lifetime|Method|_method|Methods|Type|_type|Count|Left|Added|Revoked|Alg|Endpoint|Uri|Uris|Expires|ExpiresAt|At)$/;
const MAX_STRING = 500;
const MAX_ITEMS = 20;
const MAX_DEPTH = 3;
const MAX_JSON = 4000;

export const REDACTED = '[redacted]';

export function isSensitiveName(name: string): boolean {
  return SENSITIVE.test(name) && !DESCRIPTIVE.test(name);
}

export function redactDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const safe = redactObject(details, 0);
  if (JSON.stringify(safe).length <= MAX_JSON) return safe;
  return { truncated: true, names: Object.keys(safe).slice(0, MAX_ITEMS) };
}

function redactObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object).slice(0, MAX_ITEMS * 2)) {
    if (value === undefined) continue;
    if (isSensitiveName(name) && typeof value !== 'boolean' && typeof value !== 'number' && value !== null) {
      out[name] = REDACTED;
      continue;
    }
    out[name] = redactValue(value, depth);
  }
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redactValue(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  if (typeof value === 'object') return redactObject(value as Record<string, unknown>, depth + 1);
  return String(value);
}
