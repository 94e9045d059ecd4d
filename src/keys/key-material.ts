import { createPrivateKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type GenerateKeyPairOptions, type JWK } from 'jose';
import type { SigningAlg } from '../domain/signing-alg.js';
import type { StoredSigningKey } from '../stores/keys.js';
import { decryptPrivateKey } from './key-encryption.js';

export interface NewKeyMaterial {
  /** the RFC 7638 thumbprint of the public key */
  kid: string;
  publicJwk: JWK;
  /** PKCS#8 PEM */
  pem: string;
  privateKey: KeyObject;
}

/** RSA 2048 bits (RFC 7518 3.3's minimum, what every RS256 verifier accepts), NIST P-256, Ed25519. */
const KEY_PARAMETERS: Record<SigningAlg, GenerateKeyPairOptions> = {
  RS256: { modulusLength: 2048 },
  ES256: {},
  EdDSA: { crv: 'Ed25519' },
};

/** The members of a public JWK per key type (RFC 7518 6.2.1, 6.3.1; RFC 8037 2). */
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/** A fresh key pair for `alg` (generated off the event loop by WebCrypto). */
export async function generateSigningKey(alg: SigningAlg): Promise<NewKeyMaterial> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { ...KEY_PARAMETERS[alg], extractable: true });
  const exported = await exportJWK(publicKey);
  const members = PUBLIC_MEMBERS[exported.kty ?? ''] ?? [];
  const publicJwk = Object.fromEntries(members.map((name) => [name, exported[name as keyof JWK]])) as JWK;
  const pem = await exportPKCS8(privateKey);
  return { kid: await calculateJwkThumbprint(publicJwk), publicJwk, pem, privateKey: createPrivateKey(pem) };
}

/** The private key of a stored row, decrypted with the key-encryption secret when it is encrypted. */
export async function loadPrivateKey(row: StoredSigningKey, encryptionSecret: string | undefined): Promise<KeyObject> {
  if (!row.encrypted) return createPrivateKey(row.privateKey);
  if (encryptionSecret === undefined) throw new Error(`signing key ${row.kid} is encrypted but there is no key-encryption secret`);
  return createPrivateKey(await decryptPrivateKey(row.privateKey, encryptionSecret));
}
