import type { Kysely, Selectable } from 'kysely';
import type { Database, TrustedApplicationsTable, ClientSecretsTable } from './schema.js';
import type { ClientSecret, TrustedApplication } from '../../domain/trusted-application.js';

export class AppsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(clientId: string): Promise<TrustedApplication | undefined> {
    const row = await this.db
      .selectFrom('trusted_applications')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row ? toApp(row) : undefined;
  }

  async list(): Promise<TrustedApplication[]> {
    const rows = await this.db.selectFrom('trusted_applications').selectAll().orderBy('client_id').execute();
    return rows.map(toApp);
  }

  /** Inserts the app and its first secrets in one transaction. */
  async insert(app: TrustedApplication, secrets: ClientSecret[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('trusted_applications').values(fromApp(app)).execute();
      for (const secret of secrets) await trx.insertInto('client_secrets').values(fromSecret(secret)).execute();
    });
  }

  async update(app: TrustedApplication): Promise<boolean> {
    const { client_id, created_at, ...values } = fromApp(app);
    void created_at;
    const result = await this.db
      .updateTable('trusted_applications')
      .set(values)
      .where('client_id', '=', client_id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(clientId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('client_secrets').where('client_id', '=', clientId).execute();
      const result = await trx.deleteFrom('trusted_applications').where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    });
  }

  async listSecrets(clientId: string): Promise<ClientSecret[]> {
    const rows = await this.db
      .selectFrom('client_secrets')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('created_at')
      .execute();
    return rows.map(toSecret);
  }

  async addSecret(secret: ClientSecret): Promise<void> {
    await this.db.insertInto('client_secrets').values(fromSecret(secret)).execute();
  }

  async revokeSecret(clientId: string, secretId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('client_secrets')
      .set({ revoked_at: at })
      .where('client_id', '=', clientId)
      .where('id', '=', secretId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

export function toApp(row: Selectable<TrustedApplicationsTable>): TrustedApplication {
  return {
    clientId: row.client_id,
    displayName: row.display_name,
    clientType: row.client_type,
    loginRedirectUris: JSON.parse(row.login_redirect_uris) as string[],
    logoutRedirectUris: JSON.parse(row.logout_redirect_uris) as string[],
    allowInternalUsers: row.allow_internal_users === 1,
    allowCommunityUsers: row.allow_community_users === 1,
    scopes: row.scopes.split(' ').filter(Boolean),
    allowRefreshTokens: row.allow_refresh_tokens === 1,
    requireConsent: row.require_consent === 1,
    accessTokenLifetime: row.access_token_lifetime,
    refreshTokenLifetime: row.refresh_token_lifetime,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fromApp(app: TrustedApplication): TrustedApplicationsTable {
  return {
    client_id: app.clientId,
    display_name: app.displayName,
    client_type: app.clientType,
    login_redirect_uris: JSON.stringify(app.loginRedirectUris),
    logout_redirect_uris: JSON.stringify(app.logoutRedirectUris),
    allow_internal_users: app.allowInternalUsers ? 1 : 0,
    allow_community_users: app.allowCommunityUsers ? 1 : 0,
    scopes: app.scopes.join(' '),
    allow_refresh_tokens: app.allowRefreshTokens ? 1 : 0,
    require_consent: app.requireConsent ? 1 : 0,
    access_token_lifetime: app.accessTokenLifetime,
    refresh_token_lifetime: app.refreshTokenLifetime,
    enabled: app.enabled ? 1 : 0,
    created_at: app.createdAt,
    updated_at: app.updatedAt,
  };
}

function toSecret(row: Selectable<ClientSecretsTable>): ClientSecret {
  return {
    id: row.id,
    clientId: row.client_id,
    secretHash: row.secret_hash,
    description: row.description,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function fromSecret(secret: ClientSecret): ClientSecretsTable {
  return {
    id: secret.id,
    client_id: secret.clientId,
    secret_hash: secret.secretHash,
    description: secret.description,
    created_at: secret.createdAt,
    expires_at: secret.expiresAt,
    revoked_at: secret.revokedAt,
  };
}
