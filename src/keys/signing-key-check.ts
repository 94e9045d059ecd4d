import type { KeyRing } from './key-ring.js';
import type { KeyEncryptionSecret } from './key-encryption-secret.js';
import { isSigningAlg } from '../domain/signing-alg.js';
import { ConfigError } from '../config/config-error.js';

/**
 * Start-up check: every key that signs now must be usable with this node's key-encryption secret.
 * Without it a node would start, answer health checks, and then fail every token request.
 */
export async function checkSigningKeysUsable(keys: KeyRing, secret: KeyEncryptionSecret): Promise<void> {
  for (const key of await keys.list()) {
    if (!key.current || !key.encrypted || !isSigningAlg(key.alg)) continue;
    if (secret.value === undefined) {
      throw new ConfigError(
        'KEY_ENCRYPTION_SECRET',
        `KEY_ENCRYPTION_SECRET is not set, but the signing key ${key.kid} in the database is encrypted; set it to the secret the keys were encrypted with.`,
      );
    }
    try {
      await keys.current(key.alg);
    } catch {
      throw new ConfigError(
        'KEY_ENCRYPTION_SECRET',
        secret.source === 'KEY_ENCRYPTION_SECRET'
          ? `KEY_ENCRYPTION_SECRET does not decrypt the signing key ${key.kid}; use the secret the keys were encrypted with (the same on every node).`
          : `${secret.source} does not decrypt the signing key ${key.kid}; set KEY_ENCRYPTION_SECRET to the secret the keys were encrypted with.`,
      );
    }
  }
}
