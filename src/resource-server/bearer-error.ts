/**
 * RFC 6750 section 3 errors. `status` and the `WWW-Authenticate` challenge are ready to send;
 * `description` is safe to show to the calling app's developer (never contains the token).
 */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable' | 'invalid_dpop_proof';

/** Marks BearerErrors, so `instanceof` also holds across two copies of this module (e.g. src and dist). */
const BRAND = Symbol.for('trustgate.resource-server.BearerError');

export class BearerError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;

  constructor(
    /** undefined: the request carried no credentials (RFC 6750 3.1: the challenge has no error) */
    readonly code: BearerErrorCode | undefined,
    readonly description: string,
    readonly status: number,
    /** scopes the request needs (insufficient_scope) */
    readonly scope?: string,
  ) {
    super(code ? `${code}: ${description}` : description);
    this.name = 'BearerError';
  }

  /** The `WWW-Authenticate` value for this error (RFC 6750 3). */
  challenge(realm: string): string {
    const params = [`realm="${quoteSafe(realm)}"`];
    if (this.code && this.code !== 'temporarily_unavailable') {
      params.push(`error="${this.code}"`, `error_description="${quoteSafe(this.description)}"`);
      if (this.scope) params.push(`scope="${quoteSafe(this.scope)}"`);
    }
    return `Bearer ${params.join(', ')}`;
  }

  /** A JSON body mirroring the challenge, for developers reading responses. */
  toJSON(): { error: string; error_description: string; scope?: string } {
    return {
      error: this.code ?? 'invalid_token',
      error_description: this.description,
      ...(this.scope ? { scope: this.scope } : {}),
    };
  }
}

export const missingToken = () =>
  new BearerError(undefined, 'this API needs an access token: send "Authorization: Bearer <access token>"', 401);
export const invalidRequest = (description: string) => new BearerError('invalid_request', description, 400);
export const invalidToken = (description: string) => new BearerError('invalid_token', description, 401);
export const insufficientScope = (needed: string[], missing: string[]) =>
  new BearerError(
    'insufficient_scope',
    `the access token lacks the scope ${missing.map((s) => `"${s}"`).join(', ')} this request needs`,
    403,
    needed.join(' '),
  );
/** The verifier could not reach the issuer's keys: not the caller's fault (503, retry later). */
export const keysUnavailable = (description: string) => new BearerError('temporarily_unavailable', description, 503);

/** Text placed inside a quoted-string of a WWW-Authenticate header (RFC 6750 3: %x20-21 / %x23-5B / %x5D-7E). */
export function quoteSafe(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
