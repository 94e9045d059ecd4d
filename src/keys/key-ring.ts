import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { SigningAlg } from '../domain/signing-alg.js';
import type { KeysStore, StoredSigningKey } from '../stores/keys.js';
import { encryptPrivateKey } from './key-encryption.js';
import { generateSigningKey, loadPrivateKey } from './key-material.js';
import {
  algorithmsWithKeys,
  currentKey,
  firstKeyMarker,
  isPublished,
  KEY_RING_REFRESH_SECONDS,
  keyState,
  newestKey,
  PUBLISH_AHEAD_SECONDS,
  rotationDue,
  type KeyState,
} from './key-schedule.js';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

export interface KeyInfo {
  kid: string;
  alg: string;
  state: KeyState;
  createdAt: number;
  publishFrom: number;
  signFrom: number;
  retiredAt: number | null;
  publishUntil: number | null;
  encrypted: boolean;
  current: boolean;
  published: boolean;
}

/** A key a rotation added: published from `publishFrom`, signing from `signFrom`. */
export interface StagedKey {
  alg: SigningAlg;
  kid: string;
  publishFrom: number;
  signFrom: number;
  /** the keys it replaces: they sign until `signFrom`, then stay published until `replacedPublishedUntil` */
  replaced: string[];
  replacedPublishedUntil: number | null;
}

export interface KeyRingOptions {
  /** encrypts new private keys and decrypts stored ones (undefined: keys are stored unencrypted) */
  encryptionSecret: string | undefined;
  /** the algorithm `current()` signs with when none is named (SIGNING_ALG) */
  defaultAlg: SigningAlg;
  now: () => number;
  log?: Logger;
}

/**
 * The signing keys every node shares through the store: one current key per algorithm in use. Which key
 * is published and which one signs follows from the stored times (see key-schedule.ts), so a rotation made
 * by any node or by the CLI reaches every node within KEY_RING_REFRESH_SECONDS, without a restart.
 * Private keys are decrypted once and kept in memory as KeyObjects.
 */
export class KeyRing {
  private rows: StoredSigningKey[] = [];
  private loadedAt = -Infinity;
  /** bumped on every load: the JWKS view is rebuilt per load, even when two loads share a millisecond */
  private generation = 0;
  private loading: Promise<void> | undefined;
  private readonly privateKeys = new Map<string, Promise<KeyObject>>();
  /** upcoming keys this node could not decrypt (warned once; retried when they are needed) */
  private readonly warmFailures = new Set<string>();
  private readonly creatingFirstKeys = new Map<SigningAlg, Promise<void>>();
  private jwksCache: { generation: number; body: { keys: JWK[] } } | undefined;

  constructor(
    private readonly store: KeysStore,
    private readonly options: KeyRingOptions,
  ) {}

  get defaultAlg(): SigningAlg {
    return this.options.defaultAlg;
  }

  /** Whether new keys are encrypted at rest (there is a key-encryption secret). */
  get encrypts(): boolean {
    return this.options.encryptionSecret !== undefined;
  }

  /** The key that signs new `alg` tokens now; an algorithm's first key is created on first use. */
  async current(alg: SigningAlg = this.options.defaultAlg): Promise<SigningKey> {
    await this.refresh(false);
    let row = currentKey(this.rows, alg, this.options.now());
    if (!row) {
      await this.ensureKeys([alg]);
      row = currentKey(this.rows, alg, this.options.now());
      if (!row) throw new Error(`no ${alg} signing key is current`);
    }
    return { kid: row.kid, alg, privateKey: await this.privateKey(row) };
  }

  /** The public keys to publish (RFC 7517), newest first, each with its `alg`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.refresh(false);
    if (this.jwksCache && this.jwksCache.generation === this.generation) return this.jwksCache.body;
    const now = this.options.now();
    const keys = this.rows
      .filter((row) => isPublished(row, now))
      .reverse()
      .map((row) => ({ ...(JSON.parse(row.publicJwk) as JWK), kid: row.kid, alg: row.alg, use: 'sig' }));
    this.jwksCache = { generation: this.generation, body: { keys } };
    return this.jwksCache.body;
  }

  /** Every key with its stage, read fresh from the store. */
  async list(): Promise<KeyInfo[]> {
    await this.refresh(true);
    return describeKeys(this.rows, this.options.now());
  }

  /** Creates the first key of each algorithm that has none (signing at once: no token can name it yet). */
  async ensureKeys(algs: readonly SigningAlg[]): Promise<void> {
    await this.refresh(false);
    const missing = algs.filter((alg) => !this.rows.some((row) => row.alg === alg));
    await Promise.all(missing.map((alg) => this.createFirstKey(alg)));
  }

  /** One creation per algorithm at a time on this node; across nodes the store lets one key in. */
  private createFirstKey(alg: SigningAlg): Promise<void> {
    let creating = this.creatingFirstKeys.get(alg);
    if (!creating) {
      creating = this.addKey(alg, undefined, (publishFrom) => ({ signFrom: publishFrom }))
        .then(() => this.refresh(true))
        .finally(() => this.creatingFirstKeys.delete(alg));
      this.creatingFirstKeys.set(alg, creating);
    }
    return creating;
  }

  /**
   * Adds a new key for each algorithm that has keys (or the default algorithm's first key): published
   * now, signing after PUBLISH_AHEAD_SECONDS (`immediately`: now, for emergencies). The keys it replaces
   * stay published for `keepPublishedSeconds` after they stop signing. An algorithm that another node or
   * administrator rotated at the same moment is left out of the result.
   */
  async rotate(options: { immediately: boolean; keepPublishedSeconds: number }): Promise<StagedKey[]> {
    await this.refresh(true);
    const algs = algorithmsWithKeys(this.rows);
    return this.stage(algs.length > 0 ? algs : [this.options.defaultAlg], options);
  }

  /** The scheduled rotation: stages a successor for every algorithm whose newest key is `intervalSeconds` old. */
  async rotateDue(intervalSeconds: number, keepPublishedSeconds: () => Promise<number>): Promise<StagedKey[]> {
    await this.refresh(false);
    const now = this.options.now();
    const due = algorithmsWithKeys(this.rows).filter((alg) => rotationDue(this.rows, alg, now, intervalSeconds));
    if (due.length === 0) return [];
    await this.refresh(true);
    return this.stage(due, { immediately: false, keepPublishedSeconds: await keepPublishedSeconds() });
  }

  /** Encrypts every plain private key with the key-encryption secret (each at most once, even concurrently). */
  async encryptPlainKeys(): Promise<{ encrypted: number; alreadyEncrypted: number }> {
    const secret = this.options.encryptionSecret;
    if (secret === undefined) throw new Error('there is no key-encryption secret to encrypt the signing keys with');
    await this.refresh(true);
    let encrypted = 0;
    for (const row of this.rows.filter((r) => !r.encrypted)) {
      if (await this.store.encryptPrivateKey(row.kid, await encryptPrivateKey(row.privateKey, secret))) encrypted += 1;
    }
    await this.refresh(true);
    return { encrypted, alreadyEncrypted: this.rows.length - encrypted };
  }

  private async stage(algs: readonly SigningAlg[], options: { immediately: boolean; keepPublishedSeconds: number }): Promise<StagedKey[]> {
    const staged: StagedKey[] = [];
    for (const alg of algs) {
      const predecessor = newestKey(this.rows, alg);
      const added = await this.addKey(alg, predecessor, (publishFrom) => {
        // a first key signs at once: no verifier holds a key set it could be missing from
        const signFrom = options.immediately || !predecessor ? publishFrom : publishFrom + PUBLISH_AHEAD_SECONDS * 1000;
        return { signFrom, retire: predecessor ? { at: signFrom, publishUntil: signFrom + options.keepPublishedSeconds * 1000 } : undefined };
      });
      if (!added) continue;
      const replaced = this.rows
        .filter((row) => row.alg === alg && (row.retiredAt === null || row.retiredAt > added.signFrom))
        .map((row) => row.kid);
      const { retire, ...times } = added;
      staged.push({ alg, ...times, replaced, replacedPublishedUntil: retire?.publishUntil ?? null });
    }
    await this.refresh(true);
    return staged;
  }

  /**
   * Generates and stores a key succeeding `predecessor`, published from now and scheduled by `schedule`;
   * undefined when another successor got in first.
   */
  private async addKey(
    alg: SigningAlg,
    predecessor: StoredSigningKey | undefined,
    schedule: (publishFrom: number) => { signFrom: number; retire?: { at: number; publishUntil: number } },
  ): Promise<{ kid: string; publishFrom: number; signFrom: number; retire?: { at: number; publishUntil: number } } | undefined> {
    const material = await generateSigningKey(alg);
    const secret = this.options.encryptionSecret;
    const privateKey = secret === undefined ? material.pem : await encryptPrivateKey(material.pem, secret);
    const publishFrom = this.options.now();
    const { signFrom, retire } = schedule(publishFrom);
    const added = await this.store.addSuccessor(
      {
        kid: material.kid,
        alg,
        publicJwk: JSON.stringify(material.publicJwk),
        privateKey,
        encrypted: secret !== undefined,
        createdAt: publishFrom,
        publishFrom,
        signFrom,
        retiredAt: null,
        publishUntil: null,
        supersedes: predecessor?.kid ?? firstKeyMarker(alg),
      },
      retire,
    );
    if (!added) return undefined;
    this.privateKeys.set(material.kid, Promise.resolve(material.privateKey));
    this.options.log?.info({ kid: material.kid, alg, signFrom: new Date(signFrom).toISOString() }, 'signing key created');
    return { kid: material.kid, publishFrom, signFrom, ...(retire ? { retire } : {}) };
  }

  private async refresh(force: boolean): Promise<void> {
    if (!force && this.options.now() - this.loadedAt < KEY_RING_REFRESH_SECONDS * 1000) return;
    if (!this.loading) {
      this.loading = this.store
        .list()
        .then((rows) => {
          this.rows = rows;
          this.loadedAt = this.options.now();
          this.generation += 1;
          this.warmUpcomingKeys();
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    await this.loading;
  }

  /** Decrypts the keys about to sign ahead of time, so the switch to a new key costs no request a decryption. */
  private warmUpcomingKeys(): void {
    const now = this.options.now();
    for (const row of this.rows) {
      if (this.privateKeys.has(row.kid) || this.warmFailures.has(row.kid) || keyState(row, this.rows, now) !== 'next') continue;
      this.privateKey(row).catch(() => {
        this.warmFailures.add(row.kid);
        this.options.log?.warn(
          { kid: row.kid, signFrom: new Date(row.signFrom).toISOString() },
          'the next signing key cannot be decrypted with this node\'s key-encryption secret (give every node the same KEY_ENCRYPTION_SECRET)',
        );
      });
    }
  }

  private privateKey(row: StoredSigningKey): Promise<KeyObject> {
    let key = this.privateKeys.get(row.kid);
    if (!key) {
      key = loadPrivateKey(row, this.options.encryptionSecret);
      this.privateKeys.set(row.kid, key);
      key.catch(() => this.privateKeys.delete(row.kid));
    }
    return key;
  }
}

export function describeKeys(rows: readonly StoredSigningKey[], now: number): KeyInfo[] {
  return rows.map((row) => {
    const state = keyState(row, rows, now);
    return {
      kid: row.kid,
      alg: row.alg,
      state,
      createdAt: row.createdAt,
      publishFrom: row.publishFrom,
      signFrom: row.signFrom,
      retiredAt: row.retiredAt,
      publishUntil: row.publishUntil,
      encrypted: row.encrypted,
      current: state === 'current',
      published: state !== 'expired',
    };
  });
}
