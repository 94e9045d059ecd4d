import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Store } from '../stores/store.js';
import { AdminError } from '../errors/admin-error.js';
import { keySecretFilePath } from '../keys/key-encryption-secret.js';
import { auditChange, type AdminDeps } from './admin-deps.js';

export interface BackupResult {
  /** the new database file */
  database: string;
  /** the copy of the key-secret file (`<backup>.key-secret`), when the database has one */
  keySecretFile: string | undefined;
}

/**
 * `trustgate backup <file>`: a consistent copy of the live SQLite database (SQLite's online backup;
 * the server keeps running), and next to it a copy of the key-secret file when the signing keys are
 * encrypted with it — without that file the copy's signing keys cannot be decrypted. Never overwrites.
 */
export async function backupDatabase(
  deps: Pick<AdminDeps, 'audit' | 'actor' | 'sourceAddress'> & { store: Store; config: Pick<Config, 'databaseUrl'> },
  destination: string,
): Promise<BackupResult> {
  const database = path.resolve(destination);
  const keySecret = keySecretFilePath(deps.config.databaseUrl);
  const keySecretCopy = keySecret && fs.existsSync(keySecret) ? `${database}.key-secret` : undefined;
  for (const file of [database, keySecretCopy]) {
    if (file && fs.existsSync(file)) {
      throw new AdminError('backup_exists', `${file} already exists; choose a new file name (a backup never overwrites)`, {
        kind: 'conflict',
        fields: ['file'],
      });
    }
  }
  if (!fs.existsSync(path.dirname(database))) {
    throw new AdminError('backup_directory_missing', `the directory ${path.dirname(database)} does not exist`, { fields: ['file'] });
  }
  await deps.store.backup(database);
  if (keySecret && keySecretCopy) fs.copyFileSync(keySecret, keySecretCopy, fs.constants.COPYFILE_EXCL);
  if (keySecretCopy) fs.chmodSync(keySecretCopy, 0o600);
  // a copy of every account and (encrypted) signing key left the database: on the audit trail
  await auditChange(deps, {
    action: 'database_backed_up',
    target: { type: 'database', id: database },
    details: { keySecretCopied: keySecretCopy !== undefined },
    message: 'database backed up',
  });
  return { database, keySecretFile: keySecretCopy };
}
