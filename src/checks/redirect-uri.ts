import type { TrustedApplication } from '../domain/trusted-application.js';

/** Longest redirect URI we look at (registered ones are far shorter). */
export const MAX_REDIRECT_URI_LENGTH = 2000;

// http://127.0.0.1[:port]rest or http://[::1][:port]rest, taken apart on the raw string (no normalisation)
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?].*)?$/s;

/**
 * Finds the registered login redirect URI the requested one matches: exact, case-sensitive string
 * comparison, no normalisation. One exception (RFC 8252 7.3): a public app that registered a loopback
 * IP literal (http://127.0.0.1 or http://[::1], not "localhost") may use any port, everything else equal.
 */
export function matchLoginRedirectUri(app: TrustedApplication, requested: string): boolean {
  if (requested.length === 0 || requested.length > MAX_REDIRECT_URI_LENGTH) return false;
  if (app.loginRedirectUris.includes(requested)) return true;
  if (app.clientType !== 'public') return false;
  const asked = splitLoopback(requested);
  if (!asked) return false;
  return app.loginRedirectUris.some((registered) => {
    const reg = splitLoopback(registered);
    return reg !== undefined && reg.host === asked.host && reg.rest === asked.rest;
  });
}

/** Exact match with a registered post-logout redirect URI. */
export function matchLogoutRedirectUri(app: TrustedApplication, requested: string): boolean {
  return requested.length <= MAX_REDIRECT_URI_LENGTH && app.logoutRedirectUris.includes(requested);
}

function splitLoopback(uri: string): { host: string; rest: string } | undefined {
  const m = LOOPBACK.exec(uri);
  if (!m) return undefined;
  const port = m[2];
  if (port !== undefined && (port.startsWith('0') || Number(port) < 1 || Number(port) > 65535)) return undefined;
  const rest = m[3] ?? '';
  if (rest.includes('#')) return undefined;
  return { host: m[1]!, rest };
}
