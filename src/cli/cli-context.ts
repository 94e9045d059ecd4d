import { loadConfig, type Config, type Env } from '../config/config.js';
import { openStore, type Store } from '../stores/store.js';
import { KeyRing } from '../keys/key-ring.js';
import { resolveKeyEncryptionSecret } from '../keys/key-encryption-secret.js';
import type { AdminDeps } from '../admin/admin-deps.js';
import { cliActor, createAuditRecorder, type AuditLog } from '../audit/record.js';

/** What a CLI command works with: the same configuration and store as the server. */
export interface CliContext extends AdminDeps {
  config: Config;
  store: Store;
  /**
   * The signing keys, with the key-encryption secret resolved as the server resolves it (the same
   * KEY_ENCRYPTION_SECRET, or the same key-secret file next to a SQLite database). Only the commands
   * that create or encrypt keys ask for it: on PostgreSQL without a secret they refuse, naming the variable.
   */
  keyRing(): Promise<KeyRing>;
  /** migrations this command applied before it ran */
  migrated: string[];
  /** `cli:<$USER>` (or `cli:cli`): every change a command makes is on the audit trail under this actor */
  actor: string;
}

/** The CLI's audit log lines: the events are in the audit trail; only a failure to store one is shown (stderr). */
const cliAuditLog: AuditLog = {
  info: () => undefined,
  warn: () => undefined,
  error: (fields) => {
    const err = (fields as { err?: unknown }).err;
    process.stderr.write(`warning: could not record the change on the audit trail: ${err instanceof Error ? err.message : String(err)}\n`);
  },
};

/**
 * Loads the configuration from the environment (the same variables as the server), opens the store,
 * applies pending migrations (so every command works on a fresh database), runs `fn`, and closes.
 */
export async function withCliContext<T>(env: Env, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const store = await openStore(config.databaseUrl);
  try {
    const migrated = await store.migrate();
    const now = Date.now;
    const keyRing = async () => {
      const secret = await resolveKeyEncryptionSecret(config, store.keys);
      return new KeyRing(store.keys, { encryptionSecret: secret.value, defaultAlg: config.signingAlg, now });
    };
    const audit = createAuditRecorder({ store, log: cliAuditLog, now });
    return await fn({ config, store, keyRing, now, migrated, audit, actor: cliActor(env) });
  } finally {
    await store.close();
  }
}
