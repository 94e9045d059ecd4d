import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import type { KeysStore } from '../stores/keys.js';

/** The secret that encrypts signing keys at rest, and where it came from (for messages). */
export interface KeyEncryptionSecret {
  value: string | undefined;
  /** `KEY_ENCRYPTION_SECRET`, `the key-secret file <path>`, or why there is none */
  source: string;
}

const MIN_SECRET_LENGTH = 16;

/** `<database file>.key-secret` for SQLite (next to the database, never inside it); undefined for PostgreSQL. */
export function keySecretFilePath(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const file = databaseUrl.slice('sqlite:'.length);
  return file === ':memory:' ? undefined : `${path.resolve(file)}.key-secret`;
}

/**
 * Signing keys are encrypted at rest by default. The secret is KEY_ENCRYPTION_SECRET; without it, SQLite
 * uses the key-secret file next to the database (created with mode 0600 on first use, so a copy of the
 * database alone cannot mint tokens), and PostgreSQL refuses, because every node must share the secret,
 * unless ALLOW_PLAINTEXT_KEYS=true. The server and the CLI resolve it the same way.
 */
export async function resolveKeyEncryptionSecret(
  config: Pick<Config, 'keyEncryptionSecret' | 'databaseUrl' | 'allowPlaintextKeys'>,
  keys: Pick<KeysStore, 'list'>,
): Promise<KeyEncryptionSecret> {
  if (config.keyEncryptionSecret !== undefined) return { value: config.keyEncryptionSecret, source: 'KEY_ENCRYPTION_SECRET' };
  if (config.databaseUrl === 'sqlite::memory:') {
    return { value: randomBytes(32).toString('base64url'), source: 'a secret kept in memory with the in-memory database' };
  }
  const file = keySecretFilePath(config.databaseUrl);
  if (file === undefined) {
    if (config.allowPlaintextKeys) return { value: undefined, source: 'ALLOW_PLAINTEXT_KEYS=true' };
    throw new ConfigError(
      'KEY_ENCRYPTION_SECRET',
      'KEY_ENCRYPTION_SECRET is not set: with PostgreSQL every node needs the same secret to encrypt and decrypt the signing keys (or set ALLOW_PLAINTEXT_KEYS=true to store them unencrypted).',
    );
  }
  const source = `the key-secret file ${file}`;
  const existing = readKeySecretFile(file);
  if (existing !== undefined) return { value: existing, source };
  if (config.allowPlaintextKeys) return { value: undefined, source: 'ALLOW_PLAINTEXT_KEYS=true' };
  const encrypted = (await keys.list()).filter((key) => key.encrypted).at(-1);
  if (encrypted) {
    throw new ConfigError(
      'KEY_ENCRYPTION_SECRET',
      `KEY_ENCRYPTION_SECRET is not set, but the signing key ${encrypted.kid} in the database is encrypted; set it to the secret the keys were encrypted with.`,
    );
  }
  return { value: createKeySecretFile(file), source };
}

/** The secret in the file; undefined when there is no file. Refuses a file others may read, or one that is unusable. */
function readKeySecretFile(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, error);
  }
  if (!stat.isFile()) throw refuse(`the key-secret file ${file} is not a regular file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw refuse(`the key-secret file ${file} is open to other users (mode ${mode}); restrict it with chmod 600 ${file}`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw refuse(`the key-secret file ${file} does not hold a secret of at least ${MIN_SECRET_LENGTH} characters; restore it from a backup`);
  }
  return secret;
}

/** Writes a random secret to `file` with mode 0600, atomically: when two processes race, both use the first file. */
function createKeySecretFile(file: string): string {
  const secret = randomBytes(32).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(draft, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(draft, file); // fails if the file exists: never overwrites a secret
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeySecretFile(file)!;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

function refuse(problem: string): ConfigError {
  return new ConfigError('KEY_ENCRYPTION_SECRET', `${problem}, or set KEY_ENCRYPTION_SECRET.`);
}

function unreadable(file: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return refuse(`the key-secret file ${file} cannot be read (${code}); make it readable by the user Trustgate runs as`);
}
