/**
 * What-if experiment (`npm run bench -- --postgres --whatif refresh-transaction`): preloaded into a
 * Trustgate process, it puts back the refresh grant's round trips of before migration 014 on PostgreSQL:
 * the token + family read and the user read as two queries, and the rotation (or grace re-issue) as a
 * transaction of separate statements (BEGIN, family lock, claim, retire siblings, close windows, insert,
 * COMMIT) instead of one call of `refresh_advance`. The rules are the same; only the round trips differ.
 */
import { KyselyRefreshFamiliesStore } from '../../src/stores/kysely/refresh-store.js';
import { KyselyUsersStore } from '../../src/stores/kysely/users-store.js';

type Store = { db: never; dialect: string; advance(...args: unknown[]): Promise<unknown> };
const proto = KyselyRefreshFamiliesStore.prototype as unknown as Store & {
  findWithUser(this: KyselyRefreshFamiliesStore, tokenHash: string): Promise<unknown>;
};
const advance = proto.advance;
proto.advance = function (this: Store, ...args: unknown[]) {
  // the same store seen as SQLite's: its transaction of separate statements (the dialect only picks the path)
  return advance.apply(Object.create(this, { dialect: { value: 'sqlite' } }) as Store, args);
};
proto.findWithUser = async function (this: KyselyRefreshFamiliesStore, tokenHash: string) {
  const found = await this.find(tokenHash);
  if (!found) return undefined;
  const self = this as unknown as Store;
  const user = await new KyselyUsersStore(self.db, self.dialect as 'postgres').getById(found.family.userId);
  return { ...found, user };
};
