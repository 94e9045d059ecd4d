import type { KeyRing } from '../keys/key-ring.js';
import { ConfigError } from './config-error.js';

/**
 * Start-up check: the current signing key must be usable with this node's KEY_ENCRYPTION_SECRET.
 * Without it a node would start, answer health checks, and then fail every token request.
 */
export async function checkSigningKeyUsable(keys: KeyRing, encryptionSecret: string | undefined): Promise<void> {
  const current = (await keys.list()).find((key) => key.current);
  if (!current?.encrypted) return;
  if (encryptionSecret === undefined) {
    throw new ConfigError(
      'KEY_ENCRYPTION_SECRET',
      `KEY_ENCRYPTION_SECRET is not set, but the signing key ${current.kid} in the database is encrypted; set it to the secret the keys were encrypted with.`,
    );
  }
  try {
    await keys.current();
  } catch {
    throw new ConfigError(
      'KEY_ENCRYPTION_SECRET',
      `KEY_ENCRYPTION_SECRET does not decrypt the signing key ${current.kid}; use the secret the keys were encrypted with (the same on every node).`,
    );
  }
}
