/** Scopes that were requested but not yet granted to this app by this user. */
export function ungrantedScopes(requested: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return requested.filter((scope) => !have.has(scope));
}

/** Union of two scope lists, order preserved, no duplicates. */
export function unionScopes(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
