import type { Kysely, Selectable } from 'kysely';
import type { ApiSecretsTable, ApisTable, Database } from './schema.js';
import type { ApiSecret, RegisteredApi } from '../../domain/registered-api.js';
import type { ApisStore } from '../apis.js';
import { isStorableText } from '../../domain/text.js';
import { affected, atomic } from './atomic.js';

export class KyselyApisStore implements ApisStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(audience: string): Promise<RegisteredApi | undefined> {
    if (!isStorableText(audience)) return undefined;
    const row = await this.db.selectFrom('apis').selectAll().where('audience', '=', audience).executeTakeFirst();
    if (!row) return undefined;
    return toApi(row, await this.scopesOf([audience]));
  }

  async list(): Promise<RegisteredApi[]> {
    const rows = await this.db.selectFrom('apis').selectAll().orderBy('audience').execute();
    const scopes = await this.scopesOf(rows.map((row) => row.audience));
    return rows.map((row) => toApi(row, scopes));
  }

  async insert(api: RegisteredApi, secrets: readonly ApiSecret[]): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.insertInto('apis').values(fromApi(api)).execute();
      if (api.scopes.length > 0) {
        await trx.insertInto('api_scopes').values(api.scopes.map((scope) => ({ scope, audience: api.audience }))).execute();
      }
      for (const secret of secrets) await trx.insertInto('api_secrets').values(fromSecret(secret)).execute();
    });
  }

  async update(api: RegisteredApi): Promise<boolean> {
    return atomic(this.db, async (trx) => {
      const result = await trx
        .updateTable('apis')
        .set({ display_name: api.displayName, updated_at: api.updatedAt })
        .where('audience', '=', api.audience)
        .executeTakeFirst();
      if (affected(result) !== 1) return false;
      await trx.deleteFrom('api_scopes').where('audience', '=', api.audience).execute();
      if (api.scopes.length > 0) {
        await trx.insertInto('api_scopes').values(api.scopes.map((scope) => ({ scope, audience: api.audience }))).execute();
      }
      return true;
    });
  }

  async delete(audience: string): Promise<boolean> {
    if (!isStorableText(audience)) return false;
    return atomic(this.db, async (trx) => {
      await trx.deleteFrom('api_secrets').where('audience', '=', audience).execute();
      await trx.deleteFrom('api_scopes').where('audience', '=', audience).execute();
      const result = await trx.deleteFrom('apis').where('audience', '=', audience).executeTakeFirst();
      return affected(result) === 1;
    });
  }

  async audiencesOf(scopes: readonly string[]): Promise<string[]> {
    const wanted = scopes.filter(isStorableText);
    if (wanted.length === 0) return [];
    const rows = await this.db.selectFrom('api_scopes').select('audience').distinct().where('scope', 'in', wanted).orderBy('audience').execute();
    return rows.map((row) => row.audience);
  }

  async registered(audiences: readonly string[]): Promise<string[]> {
    const wanted = audiences.filter(isStorableText);
    if (wanted.length === 0) return [];
    const rows = await this.db.selectFrom('apis').select('audience').where('audience', 'in', wanted).execute();
    return rows.map((row) => row.audience);
  }

  async owners(scopes: readonly string[]): Promise<Map<string, string>> {
    const wanted = scopes.filter(isStorableText);
    if (wanted.length === 0) return new Map();
    const rows = await this.db.selectFrom('api_scopes').selectAll().where('scope', 'in', wanted).execute();
    return new Map(rows.map((row) => [row.scope, row.audience]));
  }

  async listSecrets(audience: string): Promise<ApiSecret[]> {
    if (!isStorableText(audience)) return [];
    const rows = await this.db.selectFrom('api_secrets').selectAll().where('audience', '=', audience).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSecret);
  }

  async addSecret(secret: ApiSecret): Promise<void> {
    await this.db.insertInto('api_secrets').values(fromSecret(secret)).execute();
  }

  async revokeSecret(audience: string, secretId: string, at: number): Promise<boolean> {
    if (!isStorableText(audience) || !isStorableText(secretId)) return false;
    const result = await this.db
      .updateTable('api_secrets')
      .set({ revoked_at: at })
      .where('audience', '=', audience)
      .where('id', '=', secretId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  private async scopesOf(audiences: string[]): Promise<Map<string, string[]>> {
    const scopes = new Map<string, string[]>();
    if (audiences.length === 0) return scopes;
    const rows = await this.db.selectFrom('api_scopes').selectAll().where('audience', 'in', audiences).orderBy('scope').execute();
    for (const row of rows) scopes.set(row.audience, [...(scopes.get(row.audience) ?? []), row.scope]);
    return scopes;
  }
}

function toApi(row: Selectable<ApisTable>, scopes: Map<string, string[]>): RegisteredApi {
  return {
    audience: row.audience,
    displayName: row.display_name,
    scopes: scopes.get(row.audience) ?? [],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function fromApi(api: RegisteredApi): ApisTable {
  return { audience: api.audience, display_name: api.displayName, created_at: api.createdAt, updated_at: api.updatedAt };
}

function toSecret(row: Selectable<ApiSecretsTable>): ApiSecret {
  return {
    id: row.id,
    clientId: row.audience,
    secretHash: row.secret_hash,
    description: row.description,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function fromSecret(secret: ApiSecret): ApiSecretsTable {
  return {
    id: secret.id,
    audience: secret.clientId,
    secret_hash: secret.secretHash,
    description: secret.description,
    created_at: secret.createdAt,
    expires_at: secret.expiresAt,
    revoked_at: secret.revokedAt,
  };
}
