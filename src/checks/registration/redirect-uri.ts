import { invalid } from '../../errors/admin-error.js';
import { isLoopbackHost } from '../loopback.js';

export const MAX_REDIRECT_URI_LENGTH = 2000;
export const MAX_REDIRECT_URIS = 20;

export type RedirectUriKind = 'login' | 'logout';

/** Schemes that can never be a redirect target (script execution, local files, inline content). */
const FORBIDDEN_SCHEMES = new Set([
  'javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'filesystem', 'view-source', 'chrome', 'ftp', 'ws', 'wss',
  'mailto', 'tel', 'sms', 'urn', 'intent', 'content', 'jar', 'chrome-extension', 'moz-extension',
]);

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Checks one registered redirect URI (login or logout):
 * absolute; no fragment (RFC 6749 3.1.2); no wildcard; no user credentials; https, except http on a
 * loopback host (RFC 8252 7.3) and private-use schemes of native apps (RFC 8252 7.1: reverse-DNS form such
 * as com.example.app:/callback is recommended; single-word schemes such as myapp://auth/callback, which the
 * ERP documentation shows for mobile apps, are accepted too).
 * Returns the URI unchanged: it is matched exactly, as registered.
 */
export function checkRedirectUri(uri: string, kind: RedirectUriKind = 'login'): string {
  const label = `${kind} redirect URI ${JSON.stringify(uri)}`;
  const fields = [kind === 'login' ? 'loginRedirectUris' : 'logoutRedirectUris'];
  const refuse = (why: string): never => {
    throw invalid('redirect_uri_invalid', `the ${label} is refused: ${why}`, fields);
  };
  if (typeof uri !== 'string' || uri.length === 0) {
    throw invalid('redirect_uri_invalid', `a ${kind} redirect URI must not be empty`, fields);
  }
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    throw invalid('redirect_uri_invalid', `a ${kind} redirect URI is too long: at most ${MAX_REDIRECT_URI_LENGTH} characters`, fields);
  }
  if (/[\s\x00-\x1f\x7f]/.test(uri)) refuse('it contains spaces or control characters');
  if (/[^\x21-\x7e]/.test(uri)) refuse('it contains non-ASCII characters; percent-encode them');
  if (uri.includes('*')) refuse('wildcards (*) are not allowed; register every URI exactly');
  if (uri.includes('#')) refuse('it must not contain a fragment (#...) (RFC 6749 section 3.1.2)');
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) refuse('it must be an absolute URI such as https://app.example.com/callback');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse('it is not a valid absolute URI');
  }
  if (FORBIDDEN_SCHEMES.has(scheme!)) refuse(`the "${scheme}:" scheme can never be a redirect target`);
  if (scheme === 'https' || scheme === 'http') {
    if (!url.hostname) refuse('it has no host');
    if (url.username || url.password) refuse('it must not contain user credentials (user:password@)');
    if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
      refuse(
        'http is only allowed for loopback hosts (http://127.0.0.1, http://[::1], http://localhost); use https',
      );
    }
    return uri;
  }
  // a private-use scheme of a native app (RFC 8252 7.1), e.g. com.example.app:/callback or myapp://auth/callback
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme!) || scheme!.length < 3) {
    refuse(
      `the "${scheme}:" scheme is not a usable private-use scheme ` +
        '(RFC 8252 section 7.1: use a scheme you own, preferably reverse-DNS such as com.example.app:/callback)',
    );
  }
  if (url.username || url.password) refuse('it must not contain user credentials (user:password@)');
  if (uri.length <= scheme!.length + 1) refuse('it has nothing after the scheme; add a path such as :/callback');
  return uri;
}

/** Checks a list of redirect URIs; duplicates are dropped (order kept). */
export function checkRedirectUris(uris: readonly string[], kind: RedirectUriKind): string[] {
  const unique = [...new Set(uris)];
  if (unique.length > MAX_REDIRECT_URIS) {
    throw invalid('too_many_redirect_uris', `too many ${kind} redirect URIs: at most ${MAX_REDIRECT_URIS}`, [kind === 'login' ? 'loginRedirectUris' : 'logoutRedirectUris']);
  }
  return unique.map((uri) => checkRedirectUri(uri, kind));
}
