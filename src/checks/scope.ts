import { invalidScope } from '../errors/oauth-error.js';
import { ADMIN_SCOPE, type TrustedApplication } from '../domain/trusted-application.js';

const OPEN_PROTOCOL_SCOPES = ['openid', 'profile', 'email'];
// RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const MAX_SCOPES = 50;

/**
 * The scopes an authorization request asks for, checked against the app: its API scopes plus
 * openid / profile / email, and offline_access only for apps allowed refresh tokens. No scope
 * parameter means all the app's API scopes (seed).
 */
export function checkRequestedScopes(app: TrustedApplication, scopeParam: string | undefined): string[] {
  if (scopeParam === undefined) {
    if (app.scopes.length === 0) {
      throw invalidScope('no scope was requested and the app has no API scopes registered; send the scope parameter');
    }
    return [...app.scopes];
  }
  const requested = [...new Set(scopeParam.split(' ').filter(Boolean))];
  if (requested.length === 0) throw invalidScope('the scope parameter is empty');
  if (requested.length > MAX_SCOPES) throw invalidScope(`too many scopes requested (at most ${MAX_SCOPES})`);
  for (const scope of requested) {
    if (!SCOPE_TOKEN.test(scope) || scope.length > 100) {
      throw invalidScope('the scope parameter is malformed: scopes are space-separated printable ASCII words');
    }
    if (scope === 'offline_access') {
      if (!app.allowRefreshTokens) {
        throw invalidScope('the scope "offline_access" is not allowed: this app is not allowed refresh tokens');
      }
      continue;
    }
    if (scope === ADMIN_SCOPE) {
      // an access token for the admin API: only for apps an administrator allowed (and the built-in console)
      if (app.adminApi !== true) throw invalidScope(`the scope "${ADMIN_SCOPE}" is not allowed: this app is not allowed to call the admin API`);
      continue;
    }
    if (OPEN_PROTOCOL_SCOPES.includes(scope) || app.scopes.includes(scope)) continue;
    throw invalidScope(`the scope "${scope}" is not allowed for this app`);
  }
  return requested;
}
