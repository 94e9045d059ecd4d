import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ServerSecretsStore } from '../server-secrets.js';

export class KyselyServerSecretsStore implements ServerSecretsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getOrCreate(name: string, candidate: string, now: number): Promise<string> {
    await this.db
      .insertInto('server_secrets')
      .values({ name, value: candidate, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return row.value;
  }
}
