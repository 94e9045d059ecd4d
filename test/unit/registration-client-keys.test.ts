import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkJwks, checkJwksUri } from '../../src/checks/registration/client-keys.js';
import { AdminError } from '../../src/errors/admin-error.js';

function publicJwk(type: 'rsa' | 'ec' | 'ed25519', options: { modulusLength?: number; namedCurve?: string } = {}): Record<string, unknown> {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: options.namedCurve ?? 'P-256' })
        : generateKeyPairSync('ed25519');
  return pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
}

function refused(call: () => unknown, message: string): void {
  assert.throws(call, (error: unknown) => error instanceof AdminError && error.message === message);
}

describe('registration rule: client keys for private_key_jwt', () => {
  it('accepts public RSA (2048+), EC P-256 and Ed25519 keys', () => {
    const jwks = { keys: [{ ...publicJwk('rsa'), kid: 'r' }, { ...publicJwk('ec'), kid: 'e', alg: 'ES256', use: 'sig' }, { ...publicJwk('ed25519'), kid: 'd' }] };
    assert.deepEqual(checkJwks(jwks), jwks);
  });

  it('refuses private or symmetric material, other curves, short RSA keys, wrong use/alg, duplicate kids, empty sets', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const prefix = "the app's public keys are refused: ";
    refused(() => checkJwks({ keys: [privateKey.export({ format: 'jwk' })] }), `${prefix}key 1 contains private or symmetric key material; register only the public key`);
    refused(() => checkJwks({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }), `${prefix}key 1 contains private or symmetric key material; register only the public key`);
    refused(() => checkJwks({ keys: [publicJwk('ec', { namedCurve: 'P-384' })] }), `${prefix}key 1 is an EC key on "P-384"; only P-256 (ES256) is accepted`);
    refused(() => checkJwks({ keys: [publicJwk('rsa', { modulusLength: 1024 })] }), `${prefix}key 1 is an RSA key shorter than 2048 bits`);
    refused(() => checkJwks({ keys: [{ ...publicJwk('ec'), use: 'enc' }] }), `${prefix}key 1 has "use" "enc"; it must be "sig"`);
    refused(() => checkJwks({ keys: [{ ...publicJwk('ec'), alg: 'HS256' }] }), `${prefix}key 1 has "alg" "HS256"; use one of RS256, PS256, ES256, EdDSA`);
    refused(() => checkJwks({ keys: [{ ...publicJwk('ec'), kid: 'a' }, { ...publicJwk('ec'), kid: 'a' }] }), `${prefix}two keys have the kid "a"`);
    refused(() => checkJwks({ keys: [] }), `${prefix}the "keys" array is empty`);
    refused(() => checkJwks([publicJwk('ec')]), `${prefix}give a JWK Set: a JSON object with a "keys" array`);
    refused(() => checkJwks({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] }), `${prefix}key 1 is not a valid EC public key`);
  });

  it('JWKS URIs: https, or http on a loopback host only; no credentials or fragments', () => {
    assert.equal(checkJwksUri('https://app.example.com/jwks.json'), 'https://app.example.com/jwks.json');
    assert.equal(checkJwksUri('http://127.0.0.1:8080/jwks'), 'http://127.0.0.1:8080/jwks');
    const prefix = (uri: string) => `the JWKS URI ${JSON.stringify(uri)} is refused: `;
    refused(() => checkJwksUri('http://app.example.com/jwks'), `${prefix('http://app.example.com/jwks')}it must be an https URL (http only on a loopback host such as 127.0.0.1)`);
    refused(() => checkJwksUri('file:///etc/passwd'), `${prefix('file:///etc/passwd')}it must be an https URL (http only on a loopback host such as 127.0.0.1)`);
    refused(() => checkJwksUri('https://u:p@app.example.com/jwks'), `${prefix('https://u:p@app.example.com/jwks')}it must not contain user credentials`);
    refused(() => checkJwksUri('https://app.example.com/jwks#x'), `${prefix('https://app.example.com/jwks#x')}it must not contain a fragment`);
    refused(() => checkJwksUri('https://app.example.com/\u0000'), `${prefix('https://app.example.com/\u0000')}it contains spaces, control or non-ASCII characters`);
  });
});
