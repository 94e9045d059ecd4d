/** A signing key as stored: the private key is PKCS#8 PEM, or a JWE envelope when `encrypted`. */
export interface StoredSigningKey {
  kid: string;
  alg: string;
  /** the public JWK as JSON */
  publicJwk: string;
  privateKey: string;
  encrypted: boolean;
  createdAt: number;
  /** when a newer key replaced it as the signing key (null: current or never used) */
  retiredAt: number | null;
  /** after this time the public key is no longer published (null: keep) */
  publishUntil: number | null;
}

/** The signing keys shared by every node. */
export interface KeysStore {
  /** Every key, oldest first. */
  list(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** Marks every other still-current key as retired at `at`, publishing it until `publishUntil`. */
  retireAllExcept(kid: string, at: number, publishUntil: number): Promise<void>;
}
