import type { TrustedApplication } from '../domain/trusted-application.js';
import { ADMIN_SCOPE, allowsUserKind, PROTOCOL_SCOPES } from '../domain/trusted-application.js';
import type { User } from '../domain/user.js';

/**
 * Why the app's current configuration or the user's state no longer permits a grant, or undefined.
 * Checked at every code redemption and every refresh, so changes take effect on the next request.
 */
export function grantProblem(app: TrustedApplication, user: User | undefined, scope: readonly string[]): string | undefined {
  if (!user) return 'the user no longer exists';
  if (!user.enabled) return 'the user is disabled';
  if (!allowsUserKind(app, user.kind)) return `the app no longer allows ${user.kind} users`;
  for (const value of scope) {
    if (value === ADMIN_SCOPE) {
      // an admin API token: only apps allowed it, only for administrators (the admin API checks both again at every call)
      if (app.adminApi !== true) return `the app no longer allows the scope "${value}"`;
      if (!user.isAdmin) return `the scope "${value}" is only granted to administrators`;
    } else if (value === 'offline_access') {
      if (!app.allowRefreshTokens) return 'the app no longer allows refresh tokens';
    } else if (!(PROTOCOL_SCOPES as readonly string[]).includes(value) && !app.scopes.includes(value)) {
      return `the app no longer allows the scope "${value}"`;
    }
  }
  return undefined;
}

/** RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited; duplicates ignored. */
export function parseScopeParameter(raw: string): string[] | undefined {
  const values = raw.split(' ').filter(Boolean);
  if (values.some((value) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(value))) return undefined;
  return [...new Set(values)];
}
