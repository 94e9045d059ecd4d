import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, TrustedApplicationsTable, ClientSecretsTable } from './schema.js';
import type { ClientSecret, JsonWebKeySet, TrustedApplication } from '../../domain/trusted-application.js';
import type { AppsStore } from '../apps.js';
import { isStorableText } from '../../domain/text.js';
import { isSigningAlg, type SigningAlg } from '../../domain/signing-alg.js';
import { ACCESS_TOKENS_POLICIES, type AccessTokensPolicy } from '../../domain/trusted-application.js';

function isAccessTokensPolicy(value: string): value is AccessTokensPolicy {
  return (ACCESS_TOKENS_POLICIES as readonly string[]).includes(value);
}
import type { Dialect } from '../store-ports.js';
import { affected, atomic } from './atomic.js';
import { appendRevocationEvents, untilForIssuedBefore } from './revocation-events-store.js';

export class KyselyAppsStore implements AppsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(clientId: string): Promise<TrustedApplication | undefined> {
    if (!isStorableText(clientId)) return undefined;
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

  async insert(app: TrustedApplication, secrets: readonly ClientSecret[]): Promise<void> {
    await atomic(this.db, async (trx) => {
      await trx.insertInto('trusted_applications').values(fromApp(app)).execute();
      for (const secret of secrets) await trx.insertInto('client_secrets').values(fromSecret(secret)).execute();
    });
  }

  async update(app: TrustedApplication, options: { revokeSecretsAt?: number; addSecret?: ClientSecret } = {}): Promise<boolean> {
    const { client_id, created_at, ...values } = fromApp(app);
    void created_at;
    return atomic(this.db, async (trx) => {
      // turning the app off is its own conditional write first: it tells whether this change disables it
      const disabling =
        !app.enabled &&
        affected(
          await trx.updateTable('trusted_applications').set({ enabled: 0 }).where('client_id', '=', client_id).where('enabled', '=', 1).executeTakeFirst(),
        ) === 1;
      const result = await trx.updateTable('trusted_applications').set(values).where('client_id', '=', client_id).executeTakeFirst();
      if (affected(result) !== 1) return false;
      if (options.revokeSecretsAt !== undefined) {
        await trx
          .updateTable('client_secrets')
          .set({ revoked_at: options.revokeSecretsAt })
          .where('client_id', '=', client_id)
          .where('revoked_at', 'is', null)
          .execute();
      }
      if (options.addSecret) await trx.insertInto('client_secrets').values(fromSecret(options.addSecret)).execute();
      if (disabling) await this.revokeAppTokens(trx, client_id, app.updatedAt);
      return true;
    });
  }

  async upsert(app: TrustedApplication): Promise<boolean> {
    const row = fromApp(app);
    const { client_id, created_at, updated_at, ...definition } = row;
    void client_id;
    void created_at;
    void updated_at;
    const columns = Object.keys(definition) as (keyof typeof definition)[];
    // `excluded` is the row this statement tried to insert (PostgreSQL and SQLite alike)
    const excluded = (column: string) => sql<string | number>`${sql.ref(`excluded.${column}`)}`;
    const result = await this.db
      .insertInto('trusted_applications')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('client_id')
          .doUpdateSet(Object.fromEntries([...columns, 'updated_at'].map((column) => [column, excluded(column)])))
          .where((eb) => eb.or(columns.map((column) => eb(`trusted_applications.${column}`, '<>', excluded(column))))),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async delete(clientId: string, at: number): Promise<boolean> {
    return atomic(this.db, async (trx) => {
      await trx
        .updateTable('refresh_families')
        .set({ revoked_at: at, revoked_reason: 'app_deleted' })
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .execute();
      const until = await untilForIssuedBefore(trx, at); // while the app's own lifetime still counts
      await trx.deleteFrom('consents').where('client_id', '=', clientId).execute();
      await trx.deleteFrom('authorization_codes').where('client_id', '=', clientId).where('consumed_at', 'is', null).execute();
      await trx.deleteFrom('interactions').where('client_id', '=', clientId).execute();
      await trx.deleteFrom('client_secrets').where('client_id', '=', clientId).execute();
      await trx.deleteFrom('reference_tokens').where('client_id', '=', clientId).execute();
      const result = await trx.deleteFrom('trusted_applications').where('client_id', '=', clientId).executeTakeFirst();
      if (affected(result) !== 1) return false;
      await appendRevocationEvents(trx, this.dialect, [{ type: 'client', value: clientId, at, until }]);
      return true;
    });
  }

  /** The revocation-feed entry of a disabled or deleted app: APIs refuse its tokens issued before `at`. */
  private async revokeAppTokens(trx: Kysely<Database>, clientId: string, at: number): Promise<void> {
    await appendRevocationEvents(trx, this.dialect, [{ type: 'client', value: clientId, at, until: await untilForIssuedBefore(trx, at) }]);
  }

  async longestAccessTokenLifetime(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('trusted_applications')
      .select((eb) => eb.fn.max('access_token_lifetime').as('longest'))
      .executeTakeFirst();
    return row?.longest === null || row?.longest === undefined ? undefined : Number(row.longest);
  }

  async chosenSigningAlgs(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('trusted_applications')
      .select('id_token_signed_response_alg as alg')
      .where('id_token_signed_response_alg', 'is not', null)
      .union((eb) =>
        eb.selectFrom('trusted_applications').select('access_token_signing_alg as alg').where('access_token_signing_alg', 'is not', null),
      )
      .execute();
    return rows.map((row) => row.alg).filter((alg): alg is string => alg !== null);
  }

  async listSecrets(clientId: string): Promise<ClientSecret[]> {
    if (!isStorableText(clientId)) return [];
    const rows = await this.db
      .selectFrom('client_secrets')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('created_at')
      .orderBy('id')
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
    return affected(result) === 1;
  }
}

function toApp(row: Selectable<TrustedApplicationsTable>): TrustedApplication {
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
    idTokenSignedResponseAlg: storedAlg(row.id_token_signed_response_alg),
    accessTokenSigningAlg: storedAlg(row.access_token_signing_alg),
    refreshReuseGraceSeconds: row.refresh_reuse_grace_seconds,
    enabled: row.enabled === 1,
    requireMfa: Number(row.require_mfa) === 1,
    adminApi: Number(row.admin_api) === 1,
    requirePar: Number(row.require_par) === 1,
    requireDpop: Number(row.require_dpop) === 1,
    accessTokens: isAccessTokensPolicy(row.access_tokens) ? row.access_tokens : 'none',
    systemUserId: row.system_user_id ?? null,
    jwks: row.jwks === null || row.jwks === undefined ? null : (JSON.parse(row.jwks) as JsonWebKeySet),
    jwksUri: row.jwks_uri ?? null,
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
    id_token_signed_response_alg: app.idTokenSignedResponseAlg,
    access_token_signing_alg: app.accessTokenSigningAlg,
    refresh_reuse_grace_seconds: app.refreshReuseGraceSeconds,
    enabled: app.enabled ? 1 : 0,
    require_mfa: app.requireMfa ? 1 : 0,
    admin_api: app.adminApi ? 1 : 0,
    require_par: app.requirePar ? 1 : 0,
    require_dpop: app.requireDpop ? 1 : 0,
    access_tokens: app.accessTokens,
    system_user_id: app.systemUserId ?? null,
    jwks: app.jwks ? JSON.stringify(app.jwks) : null,
    jwks_uri: app.jwksUri ?? null,
    created_at: app.createdAt,
    updated_at: app.updatedAt,
  };
}

/** A stored algorithm choice; anything unknown (never written by this version) follows SIGNING_ALG. */
function storedAlg(value: string | null): SigningAlg | null {
  return isSigningAlg(value) ? value : null;
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
