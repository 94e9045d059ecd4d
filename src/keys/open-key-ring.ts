import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../stores/store.js';
import { KeyRing } from './key-ring.js';
import { resolveKeyEncryptionSecret } from './key-encryption-secret.js';
import { checkSigningKeysUsable } from './signing-key-check.js';
import { algorithmsInUse } from './rotation-schedule.js';

/**
 * The server's key ring at start-up: the key-encryption secret resolved (or start-up refused, naming
 * the variable), the current keys checked to decrypt, a first key for every algorithm in use. Returns
 * the configuration with `keyEncryptionSecret` resolved, so whatever else it encrypts at rest (the
 * second-factor secrets) uses the same secret.
 */
export async function openKeyRing(
  config: Config,
  store: Store,
  now: () => number,
  log: Logger,
  options: { warn?: boolean } = {},
): Promise<{ keys: KeyRing; config: Config }> {
  const secret = await resolveKeyEncryptionSecret(config, store.keys);
  const keys = new KeyRing(store.keys, { encryptionSecret: secret.value, defaultAlg: config.signingAlg, now, log });
  await checkSigningKeysUsable(keys, secret);
  await keys.ensureKeys(await algorithmsInUse({ config, store }));
  const plain = (await keys.list()).filter((key) => !key.encrypted && key.published).length;
  if (options.warn === false) {
    // a cluster worker: the primary already said it once
  } else if (secret.value === undefined) {
    log.warn('ALLOW_PLAINTEXT_KEYS=true and KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted in the database');
  } else if (plain > 0) {
    log.warn({ keys: plain }, 'signing keys are stored unencrypted in the database: run "trustgate keys encrypt"');
  }
  const resolved = secret.value === config.keyEncryptionSecret ? config : Object.freeze({ ...config, keyEncryptionSecret: secret.value });
  return { keys, config: resolved };
}
