import { createPublicKey } from 'node:crypto';
import { invalid } from '../../errors/admin-error.js';
import type { JsonWebKeySet } from '../../domain/trusted-application.js';
import { isLoopbackHost } from '../loopback.js';

/** The algorithms a client assertion may be signed with (private_key_jwt). */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

export const MAX_CLIENT_KEYS = 10;
const MAX_JWKS_URI_LENGTH = 2000;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** `alg` values a registered key may name (Ed25519 is the fully specified name of EdDSA over Ed25519) */
const KEY_ALGS = new Set<string>([...CLIENT_ASSERTION_ALGS, 'Ed25519']);

const refuse = (why: string) => invalid('client_keys_invalid', `the app's public keys are refused: ${why}`, ['jwks']);

/**
 * The public keys an app signs its client assertions with, registered by value (a JWK Set, RFC 7517 5):
 * 1 to 10 public signing keys, RSA (at least 2048 bits), EC P-256 or OKP Ed25519; no private or
 * symmetric key material (the server must never hold the app's private key); `use`, when given, "sig".
 */
export function checkJwks(value: unknown): JsonWebKeySet {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw refuse('give a JWK Set: a JSON object with a "keys" array');
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length === 0) throw refuse('the "keys" array is empty');
  if (keys.length > MAX_CLIENT_KEYS) throw refuse(`at most ${MAX_CLIENT_KEYS} keys`);
  const kids = new Set<string>();
  const checked = keys.map((key, index) => {
    const at = `key ${index + 1}`;
    if (typeof key !== 'object' || key === null || Array.isArray(key)) throw refuse(`${at} is not a JSON object`);
    const jwk = key as Record<string, unknown>;
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
      throw refuse(`${at} contains private or symmetric key material; register only the public key`);
    }
    if (jwk.use !== undefined && jwk.use !== 'sig') throw refuse(`${at} has "use" ${JSON.stringify(jwk.use)}; it must be "sig"`);
    if (jwk.alg !== undefined && (typeof jwk.alg !== 'string' || !KEY_ALGS.has(jwk.alg))) {
      throw refuse(`${at} has "alg" ${JSON.stringify(jwk.alg)}; use one of ${CLIENT_ASSERTION_ALGS.join(', ')}`);
    }
    if (jwk.kid !== undefined) {
      if (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 200) throw refuse(`${at} has an invalid "kid"`);
      if (kids.has(jwk.kid)) throw refuse(`two keys have the kid ${JSON.stringify(jwk.kid)}`);
      kids.add(jwk.kid);
    }
    const kty = jwk.kty;
    if (kty === 'EC') {
      if (jwk.crv !== 'P-256') throw refuse(`${at} is an EC key on ${JSON.stringify(jwk.crv)}; only P-256 (ES256) is accepted`);
    } else if (kty === 'OKP') {
      if (jwk.crv !== 'Ed25519') throw refuse(`${at} is an OKP key on ${JSON.stringify(jwk.crv)}; only Ed25519 (EdDSA) is accepted`);
    } else if (kty !== 'RSA') {
      throw refuse(`${at} has "kty" ${JSON.stringify(kty)}; use RSA, EC (P-256) or OKP (Ed25519)`);
    }
    let parsed;
    try {
      parsed = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch {
      throw refuse(`${at} is not a valid ${String(kty)} public key`);
    }
    if (kty === 'RSA' && (parsed.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw refuse(`${at} is an RSA key shorter than 2048 bits`);
    }
    return jwk;
  });
  return { keys: checked };
}

/**
 * Where the app publishes its public keys: an absolute https URL; http only on a loopback host
 * (127.0.0.1, [::1], localhost), for development and tests; no credentials, no fragment.
 */
export function checkJwksUri(uri: string): string {
  const fail = (why: string) => invalid('jwks_uri_invalid', `the JWKS URI ${JSON.stringify(uri)} is refused: ${why}`, ['jwksUri']);
  if (typeof uri !== 'string' || uri.length === 0) throw fail('it is empty');
  if (uri.length > MAX_JWKS_URI_LENGTH) throw fail(`it is longer than ${MAX_JWKS_URI_LENGTH} characters`);
  if (/[^\x21-\x7e]/.test(uri)) throw fail('it contains spaces, control or non-ASCII characters');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw fail('it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw fail('it must be an https URL (http only on a loopback host such as 127.0.0.1)');
  }
  if (url.username || url.password) throw fail('it must not contain user credentials');
  if (uri.includes('#')) throw fail('it must not contain a fragment');
  return uri;
}
