import type { FastifyReply } from 'fastify';
import type { Config } from '../config/config.js';

/**
 * The Strict-Transport-Security value of an https issuer (RFC 6797), or undefined (http issuer, or
 * HSTS_MAX_AGE=0). No includeSubDomains: the issuer's host siblings are not Trustgate's to constrain.
 */
export function hstsHeaderValue(config: Pick<Config, 'issuerIsHttps' | 'hstsMaxAgeSeconds'>): string | undefined {
  if (!config.issuerIsHttps || config.hstsMaxAgeSeconds === 0) return undefined;
  return `max-age=${config.hstsMaxAgeSeconds}`;
}

/** Headers sent on every response (`hsts`: the Strict-Transport-Security value, when the issuer sends one). */
export function setBaseHeaders(reply: FastifyReply, hsts: string | undefined): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  if (hsts !== undefined) reply.header('Strict-Transport-Security', hsts);
}

/** Headers for server-rendered pages: strict CSP, no framing, never cached. */
export function setPageHeaders(reply: FastifyReply, formActions: string[] = [], options: { scripts?: boolean } = {}): void {
  const formAction = ["'self'", ...formActions.map(cspSource)].join(' ');
  // pages with passkeys run the two same-origin scripts under {issuer}/assets and fetch their options; no inline script, ever
  const scripts = options.scripts ? "; script-src 'self'; connect-src 'self'" : '';
  reply.header(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'self'; img-src 'self' data:${scripts}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Cache-Control', 'no-store');
  reply.header('Pragma', 'no-cache');
}

/** Headers for protocol responses that carry tokens or errors (RFC 6749 5.1). */
export function setNoStore(reply: FastifyReply): void {
  reply.header('Cache-Control', 'no-store');
  reply.header('Pragma', 'no-cache');
}

/** The origin of a URL as a CSP source expression (custom schemes become "scheme:"). */
function cspSource(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    return url.protocol;
  } catch {
    return "'none'";
  }
}
