/** A signing key as stored: the private key is PKCS#8 PEM, or a compact JWE of it when `encrypted`. */
export interface StoredSigningKey {
  kid: string;
  alg: string;
  /** the public JWK as JSON */
  publicJwk: string;
  privateKey: string;
  encrypted: boolean;
  createdAt: number;
  /** from this time the public key is in the JWKS */
  publishFrom: number;
  /** from this time the key signs its algorithm's tokens (unless it was retired by then) */
  signFrom: number;
  /** when a newer key took over signing (null: not replaced) */
  retiredAt: number | null;
  /** after this time the public key is no longer published (null: keep) */
  publishUntil: number | null;
  /** the kid of the key this one replaced, or `first:<alg>` for an algorithm's first key */
  supersedes: string;
}

/** The signing keys shared by every node. */
export interface KeysStore {
  /** Every key, oldest first. */
  list(): Promise<StoredSigningKey[]>;
  /**
   * Adds `key` as the successor of `key.supersedes` and, atomically, retires the other keys of its
   * algorithm that would still sign at `retire.at`: they stop signing then and stay published until
   * `retire.publishUntil`. Each key gets at most one successor: false, and nothing changed, when another
   * node or administrator already added one (this is how concurrent rotations elect one key).
   */
  addSuccessor(key: StoredSigningKey, retire?: { at: number; publishUntil: number }): Promise<boolean>;
  /** Replaces a plain private key with its encrypted form; false when the key is unknown or already encrypted. */
  encryptPrivateKey(kid: string, encryptedPrivateKey: string): Promise<boolean>;
}
