/** Plain-language descriptions of scopes for the consent page. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay signed in when you are away',
  read: 'Read your ERP data',
  update: 'Change your ERP data',
};

/** What the consent page says for a scope; unknown API scopes are shown by name. */
export function describeScope(scope: string): string {
  return SCOPE_DESCRIPTIONS[scope] ?? `Use the "${scope}" API on your behalf`;
}

/** Scopes that were requested but not yet granted to this app by this user. */
export function ungrantedScopes(requested: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return requested.filter((scope) => !have.has(scope));
}

/** Union of two scope lists, order preserved, no duplicates. */
export function unionScopes(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
