/**
 * Every error code Trustgate answers with: RFC 6749 4.1.2.1 and 5.2, RFC 6750 3.1, RFC 7009 2.2.1,
 * OpenID Connect Core 3.1.2.6 and RFC 9126 2.3, plus the seed's `invalid_redirect_uri` (shown on our
 * own error page, never redirected) and `not_found` (no endpoint at that path).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'interaction_required'
  | 'login_required'
  | 'consent_required'
  | 'account_selection_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported'
  | 'invalid_request_uri'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'not_found';

/**
 * One error type for every protocol failure. `description` is safe to show to the app developer and
 * says what failed and how to fix it; `detail` is logged only. `redirectable` is false when the error
 * must never travel to a redirect URI (unknown client, unregistered redirect URI): those render a page.
 */
export interface OAuthErrorOptions {
  status?: number;
  detail?: string;
  redirectable?: boolean;
  wwwAuthenticate?: string;
}

export class OAuthError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly redirectable: boolean;
  readonly wwwAuthenticate: string | undefined;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.status = options.status ?? 400;
    this.detail = options.detail;
    this.redirectable = options.redirectable ?? true;
    this.wwwAuthenticate = options.wwwAuthenticate;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export const invalidRequest = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('invalid_request', description, options);
export const invalidClient = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('invalid_client', description, { status: 401, ...options });
export const invalidGrant = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('invalid_grant', description, options);
export const unauthorizedClient = (description: string, options?: OAuthErrorOptions) =>
  new OAuthError('unauthorized_client', description, options);
export const unsupportedGrantType = (description: string) => new OAuthError('unsupported_grant_type', description);
export const unsupportedResponseType = (description: string) =>
  new OAuthError('unsupported_response_type', description);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const accessDenied = (description: string) => new OAuthError('access_denied', description, { status: 403 });
export const loginRequired = (description: string) => new OAuthError('login_required', description);
export const consentRequired = (description: string) => new OAuthError('consent_required', description);
export const interactionRequired = (description: string) => new OAuthError('interaction_required', description);
/**
 * An error shown on the server's own page (never sent to a redirect URI): the app or the redirect URI is
 * not trusted, or the browser's sign-in request itself is broken. `invalid_request` and 400 unless said.
 */
export const pageError = (description: string, options: { code?: OAuthErrorCode; status?: number } = {}) =>
  new OAuthError(options.code ?? 'invalid_request', description, { status: options.status ?? 400, redirectable: false });
/** Never redirected: shown on the server's own error page (seed: invalid_redirect_uri). */
export const invalidRedirectUri = (description: string) =>
  new OAuthError('invalid_redirect_uri', description, { redirectable: false });
export const invalidToken = (description: string) =>
  new OAuthError('invalid_token', description, {
    status: 401,
    wwwAuthenticate: `Bearer error="invalid_token", error_description="${quoteSafe(description)}"`,
  });
export const insufficientScope = (scope: string) =>
  new OAuthError('insufficient_scope', `this request needs the scope "${scope}"`, {
    status: 403,
    wwwAuthenticate: `Bearer error="insufficient_scope", scope="${quoteSafe(scope)}"`,
  });
export const serverError = (detail: string) =>
  new OAuthError('server_error', 'the server met an unexpected condition; try again later', {
    status: 500,
    detail,
  });

/** Text placed inside a quoted-string of a WWW-Authenticate header. */
export function quoteSafe(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
