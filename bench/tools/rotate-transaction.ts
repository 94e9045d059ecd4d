/**
 * What-if experiment (`npm run bench -- --postgres --whatif rotate-transaction`): preloaded into a
 * Trustgate process, it makes the refresh rotation on PostgreSQL run as before the one-statement CTE
 * (BEGIN; conditional UPDATE; INSERT; COMMIT: four round trips), so both are measured in one run.
 */
// the compiled store, the very module instance the server loads (same file URL)
const url = new URL('../../src/stores/kysely/refresh-store.js', import.meta.url).href;
const { KyselyRefreshFamiliesStore } = (await import(url)) as {
  KyselyRefreshFamiliesStore: { prototype: { rotate(this: { dialect: string }, ...args: unknown[]): Promise<boolean> } };
};
const rotate = KyselyRefreshFamiliesStore.prototype.rotate;
KyselyRefreshFamiliesStore.prototype.rotate = function (this: { dialect: string }, ...args: unknown[]) {
  const dialect = this.dialect;
  // the dialect is read synchronously when rotate starts: the transaction path is taken
  this.dialect = 'sqlite';
  try {
    return rotate.apply(this, args);
  } finally {
    this.dialect = dialect;
  }
};
