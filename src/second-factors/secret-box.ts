import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

/**
 * Second-factor secrets (a TOTP key must be readable to check codes, so it cannot be hashed) are kept
 * encrypted with a key derived from KEY_ENCRYPTION_SECRET (HKDF-SHA256, then a `dir` A256GCM JWE through
 * jose). Without that secret they are kept as they are, like the signing keys, and marked so.
 */
const INFO = 'trustgate second-factor secrets v1';

function keyFrom(encryptionSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', encryptionSecret, 'trustgate', INFO, 32));
}

export async function sealSecret(plain: string, encryptionSecret: string | undefined): Promise<string> {
  if (encryptionSecret === undefined) return `plain:${plain}`;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(plain))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(keyFrom(encryptionSecret));
  return `jwe:${jwe}`;
}

export async function openSecret(sealed: string, encryptionSecret: string | undefined): Promise<string> {
  if (sealed.startsWith('plain:')) return sealed.slice('plain:'.length);
  if (!sealed.startsWith('jwe:') || encryptionSecret === undefined) {
    throw new Error('a second-factor secret is encrypted but KEY_ENCRYPTION_SECRET is not set');
  }
  const { plaintext } = await compactDecrypt(sealed.slice('jwe:'.length), keyFrom(encryptionSecret), {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  return new TextDecoder().decode(plaintext);
}
