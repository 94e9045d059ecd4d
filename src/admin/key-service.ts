import { ConfigError } from '../config/config-error.js';
import { describeKeys, type KeyInfo, type KeyRing, type StagedKey } from '../keys/key-ring.js';
import { keepPublishedSeconds } from '../keys/retention.js';
import { auditChange, type AdminDeps } from './admin-deps.js';

/**
 * Signing keys: the one rule set behind `trustgate keys` (and later the admin API). Listing needs no
 * secret; rotating and encrypting work through a key ring that has the key-encryption secret.
 */
export class KeyService {
  constructor(private readonly deps: Pick<AdminDeps, 'store' | 'now' | 'audit' | 'actor' | 'sourceAddress'>) {}

  /** Every key with its stage (next, current, retired, expired). */
  async list(): Promise<KeyInfo[]> {
    return describeKeys(await this.deps.store.keys.list(), this.deps.now());
  }

  /**
   * A new key for every algorithm in use, published now and signing once every cached JWKS has expired
   * (`immediately`: signing now, for emergencies). The keys it replaces stay published for the longest
   * token lifetime any app has.
   */
  async rotate(keys: KeyRing, options: { immediately: boolean }): Promise<StagedKey[]> {
    const staged = await keys.rotate({ immediately: options.immediately, keepPublishedSeconds: await keepPublishedSeconds(this.deps.store.apps) });
    await auditChange(this.deps, {
      action: 'keys_rotated',
      target: { type: 'keys', id: staged.map((key) => key.kid).join(' ') },
      details: {
        immediately: options.immediately,
        keys: staged.map((key) => ({ kid: key.kid, alg: key.alg, signFrom: new Date(key.signFrom).toISOString(), replaced: key.replaced })),
      },
      message: 'signing keys rotated',
    });
    return staged;
  }

  /** Encrypts the keys stored in plain text with the key-encryption secret; running it again changes nothing. */
  async encrypt(keys: KeyRing): Promise<{ encrypted: number; alreadyEncrypted: number }> {
    if (!keys.encrypts) {
      throw new ConfigError(
        'KEY_ENCRYPTION_SECRET',
        'KEY_ENCRYPTION_SECRET is not set (ALLOW_PLAINTEXT_KEYS=true): there is no secret to encrypt the signing keys with.',
      );
    }
    const result = await keys.encryptPlainKeys();
    await auditChange(this.deps, { action: 'keys_encrypted', target: { type: 'keys', id: 'all' }, details: result, message: 'signing keys encrypted' });
    return result;
  }
}
