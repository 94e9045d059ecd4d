import { createPrivateKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import type { Logger } from 'pino';
import type { KeysStore, StoredSigningKey } from '../stores/keys.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';

export const SIGNING_ALG = 'RS256';

export interface SigningKey {
  kid: string;
  alg: typeof SIGNING_ALG;
  privateKey: KeyObject;
}

export interface KeyInfo {
  kid: string;
  alg: string;
  createdAt: number;
  retiredAt: number | null;
  publishUntil: number | null;
  encrypted: boolean;
  current: boolean;
  published: boolean;
}

/** How long key-ring state read from the store is reused before it is read again (rotation reaches every node). */
const REFRESH_MS = 10_000;

/**
 * The signing keys shared by every node through the store. The current key is the newest one that is
 * not retired; retired keys stay published in the JWKS until tokens signed with them have expired.
 */
export class KeyRing {
  private rows: StoredSigningKey[] = [];
  private loadedAt = -Infinity;
  /** bumped on every load: the JWKS view is rebuilt per load, even when two loads share a millisecond */
  private generation = 0;
  private loading: Promise<void> | undefined;
  private readonly privateKeys = new Map<string, KeyObject>();
  private jwksCache: { generation: number; body: { keys: JWK[] } } | undefined;

  constructor(
    private readonly store: KeysStore,
    private readonly encryptionSecret: string | undefined,
    private readonly now: () => number,
    private readonly log?: Logger,
  ) {}

  /** Creates the first signing key if the store has none. */
  async ensureSigningKey(): Promise<void> {
    await this.refresh(true);
    if (!this.rows.some((row) => row.retiredAt === null)) {
      await this.insertNewKey();
      await this.refresh(true);
    }
    if (!this.encryptionSecret) {
      this.log?.warn('KEY_ENCRYPTION_SECRET is not set: signing keys are stored unencrypted in the database');
    }
  }

  /** The key that signs new tokens. */
  async current(): Promise<SigningKey> {
    await this.refresh(false);
    const row = currentRow(this.rows);
    if (!row) {
      await this.ensureSigningKey();
      return this.current();
    }
    return { kid: row.kid, alg: SIGNING_ALG, privateKey: await this.privateKey(row) };
  }

  /** The public keys to publish: current and retired-but-still-valid ones. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.refresh(false);
    if (this.jwksCache && this.jwksCache.generation === this.generation) return this.jwksCache.body;
    const now = this.now();
    const keys = this.rows
      .filter((row) => isPublished(row, now))
      .reverse()
      .map((row) => ({ ...(JSON.parse(row.publicJwk) as JWK), kid: row.kid, alg: row.alg, use: 'sig' }));
    this.jwksCache = { generation: this.generation, body: { keys } };
    return this.jwksCache.body;
  }

  /**
   * Adds a new signing key and retires the others; they stay published for `keepPublishedSeconds`
   * (the longest lifetime of a token they may have signed).
   */
  async rotate(keepPublishedSeconds: number): Promise<string> {
    const kid = await this.insertNewKey();
    const now = this.now();
    await this.store.retireAllExcept(kid, now, now + keepPublishedSeconds * 1000);
    await this.refresh(true);
    return kid;
  }

  async list(): Promise<KeyInfo[]> {
    await this.refresh(true);
    const now = this.now();
    const current = currentRow(this.rows);
    return this.rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
      publishUntil: row.publishUntil,
      encrypted: row.encrypted,
      current: row.kid === current?.kid,
      published: isPublished(row, now),
    }));
  }

  private async refresh(force: boolean): Promise<void> {
    if (!force && this.now() - this.loadedAt < REFRESH_MS) return;
    if (!this.loading) {
      this.loading = this.store
        .list()
        .then((rows) => {
          this.rows = rows;
          this.loadedAt = this.now();
          this.generation += 1;
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    await this.loading;
  }

  private async privateKey(row: StoredSigningKey): Promise<KeyObject> {
    const cached = this.privateKeys.get(row.kid);
    if (cached) return cached;
    let pem = row.privateKey;
    if (row.encrypted) {
      if (!this.encryptionSecret) {
        throw new Error(`signing key ${row.kid} is encrypted but KEY_ENCRYPTION_SECRET is not set`);
      }
      pem = await decryptPrivateKey(row.privateKey, this.encryptionSecret);
    }
    const key = createPrivateKey(pem);
    this.privateKeys.set(row.kid, key);
    return key;
  }

  private async insertNewKey(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const pem = await exportPKCS8(privateKey);
    const encrypted = this.encryptionSecret !== undefined;
    await this.store.insert({
      kid,
      alg: SIGNING_ALG,
      publicJwk: JSON.stringify({ kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e }),
      privateKey: encrypted ? await encryptPrivateKey(pem, this.encryptionSecret!) : pem,
      encrypted,
      createdAt: this.now(),
      retiredAt: null,
      publishUntil: null,
    });
    this.log?.info({ kid }, 'signing key created');
    return kid;
  }
}

function currentRow(rows: StoredSigningKey[]): StoredSigningKey | undefined {
  return rows
    .filter((row) => row.retiredAt === null)
    .sort((a, b) => b.createdAt - a.createdAt || (a.kid < b.kid ? -1 : 1))[0];
}

function isPublished(row: StoredSigningKey, now: number): boolean {
  return row.publishUntil === null || row.publishUntil > now;
}
