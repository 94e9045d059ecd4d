import { CompactEncrypt, compactDecrypt } from 'jose';

/**
 * Private keys at rest are a compact JWE (PBES2-HS512+A256KW / A256GCM) keyed by KEY_ENCRYPTION_SECRET.
 * OWASP's PBKDF2-HMAC-SHA512 recommendation: 210,000 iterations.
 */
const ITERATIONS = 210_000;

export async function encryptPrivateKey(pem: string, secret: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(pem))
    .setProtectedHeader({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', p2c: ITERATIONS, cty: 'application/pkcs8' })
    .encrypt(new TextEncoder().encode(secret));
}

export async function decryptPrivateKey(jwe: string, secret: string): Promise<string> {
  const { plaintext } = await compactDecrypt(jwe, new TextEncoder().encode(secret), {
    keyManagementAlgorithms: ['PBES2-HS512+A256KW'],
    contentEncryptionAlgorithms: ['A256GCM'],
    maxPBES2Count: ITERATIONS,
  });
  return new TextDecoder().decode(plaintext);
}
