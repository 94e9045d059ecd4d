import { conflict, invalid, notFound } from '../errors/admin-error.js';
import { publicAppSecret } from '../checks/registration/app-registration.js';
import {
  DEFAULT_ACCESS_TOKEN_LIFETIME,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  hasClientKeys,
  isSecretActive,
  ACCESS_TOKENS_POLICIES,
  type AccessTokensPolicy,
  type ClientSecret,
  type ClientType,
  type TrustedApplication,
} from '../domain/trusted-application.js';
import { validateAppRegistration, type AppRegistration } from '../checks/registration/app-registration.js';
import { checkClientSecret } from '../checks/registration/secret.js';
import { checkDisplayName } from '../checks/registration/display-name.js';
import { randomId, randomToken, sha256 } from '../tokens/opaque.js';
import { auditChange, isUniqueViolation, type AdminDeps } from './admin-deps.js';
import { secretInfo, type SecretInfo } from './secret-info.js';
import { BUILT_IN_CLIENT_PREFIX, isBuiltInClientId } from '../domain/built-in-apps.js';
import { checkRefreshReuseGrace } from '../checks/registration/lifetimes.js';
import { checkJwks, checkJwksUri } from '../checks/registration/client-keys.js';
import { isStorableText } from '../domain/text.js';

/** Everything an administrator can set on a Trusted Application. */
export interface AppInput {
  /** the ApplicationUri */
  clientId: string;
  displayName: string;
  clientType: ClientType;
  /** a secret given by hand (confidential apps; at least 32 characters) */
  secret?: string;
  /** generate a 256-bit secret, returned once as `generatedSecret` */
  generateSecret?: boolean;
  /** the description of the secret given or generated with this change */
  secretDescription?: string | null;
  /** epoch milliseconds after which the secret given or generated with this change no longer works */
  secretExpiresAt?: number | null;
  loginRedirectUris: string[];
  logoutRedirectUris: string[];
  /** API scopes, as a list or space-delimited ("read update") */
  scopes: string[] | string;
  allowInternalUsers: boolean;
  allowCommunityUsers: boolean;
  allowRefreshTokens: boolean;
  requireConsent: boolean;
  /** seconds */
  accessTokenLifetime: number;
  /** seconds */
  refreshTokenLifetime: number;
  /** RS256, ES256 or EdDSA for the app's ID tokens; null follows SIGNING_ALG */
  idTokenSignedResponseAlg: string | null;
  /** RS256, ES256 or EdDSA for the app's access tokens; null follows SIGNING_ALG */
  accessTokenSigningAlg: string | null;
  /** seconds a rotated refresh token may come again (0: none); null follows REFRESH_REUSE_GRACE_SECONDS */
  refreshReuseGraceSeconds: number | null;
  enabled: boolean;
  /** users must use a second factor to sign in to this app */
  requireMfa: boolean;
  /** the app may request the scope trustgate:admin (an access token for the admin API, for administrators only) */
  adminApi: boolean;
  /** authorization requests must be pushed first (RFC 9126) */
  requirePar: boolean;
  /** token requests must carry a DPoP proof (RFC 9449) */
  requireDpop: boolean;
  /** who may issue long-lived reference tokens for the app: none (default), users, admins */
  accessTokens: AccessTokensPolicy;
  /** login of the user a service app acts as with client_credentials; null removes it (no service access) */
  systemUser: string | null;
  /** the app's public keys for private_key_jwt as a JWK Set (replaces a JWKS URI); null removes them */
  jwks: unknown;
  /** where the app publishes its public keys (replaces keys given by value); null removes it */
  jwksUri: string | null;
}

/** What `create` needs; everything else has a default. */
export type NewAppInput = Pick<AppInput, 'clientId' | 'displayName' | 'clientType' | 'loginRedirectUris'> &
  Partial<AppInput>;

/** What `update` may change (lists replace the old ones when given). */
export type AppChanges = Partial<Omit<AppInput, 'clientId'>>;

export interface AppResult {
  app: TrustedApplication;
  /** a generated secret: shown exactly once, never stored in clear */
  generatedSecret?: string;
}

export interface NewSecretInput {
  secret?: string;
  generateSecret?: boolean;
  /** epoch milliseconds after which the secret no longer works */
  expiresAt?: number | null;
  description?: string | null;
}

/**
 * Trusted Applications: the one service layer behind the CLI (and later an admin API).
 * Every change is validated first; a refused change throws an AdminError and changes nothing.
 */
export class AppService {
  constructor(private readonly deps: AdminDeps) {}

  async create(input: NewAppInput): Promise<AppResult> {
    const { app, secrets, secretValue } = await this.prepareCreate(input);
    try {
      await this.deps.store.apps.insert(app, secrets);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('app_exists', `an app with ApplicationUri "${app.clientId}" already exists`, ['clientId']);
      }
      throw error;
    }
    this.deps.clients?.invalidate(app.clientId);
    await auditChange(this.deps, {
      action: 'app_created',
      target: { type: 'app', id: app.clientId },
      clientId: app.clientId,
      details: { settings: appSettings(app), secretAdded: secrets.length > 0, secretId: secrets[0]?.id },
      message: 'app created',
    });
    return withGenerated({ app }, input.generateSecret ? secretValue : undefined);
  }

  /** Every check `create` makes, changing nothing (apply's plan and dry run); the app it would store. */
  async prepareCreate(input: NewAppInput): Promise<{ app: TrustedApplication; secrets: ClientSecret[]; secretValue: string | undefined }> {
    if (typeof input.clientId === 'string' && isBuiltInClientId(input.clientId)) {
      throw invalid(
        'builtin_app_reserved',
        `ApplicationUris starting with "${BUILT_IN_CLIENT_PREFIX}" are reserved for the apps built into Trustgate`,
        ['clientId'],
      );
    }
    const clientType = input.clientType;
    const secretValue = this.secretToAdd(input);
    const keys = clientKeys(input, { jwks: null, jwksUri: null });
    const systemUserId = await this.systemUserId(input.systemUser, null);
    const registration = validateAppRegistration({
      clientId: input.clientId,
      displayName: input.displayName,
      clientType,
      loginRedirectUris: input.loginRedirectUris ?? [],
      logoutRedirectUris: input.logoutRedirectUris ?? [],
      scopes: input.scopes ?? [],
      allowInternalUsers: input.allowInternalUsers ?? true,
      allowCommunityUsers: input.allowCommunityUsers ?? false,
      allowRefreshTokens: input.allowRefreshTokens ?? true,
      requireConsent: input.requireConsent ?? true,
      accessTokenLifetime: input.accessTokenLifetime ?? DEFAULT_ACCESS_TOKEN_LIFETIME,
      refreshTokenLifetime:
        input.refreshTokenLifetime ?? DEFAULT_REFRESH_TOKEN_LIFETIME[clientType] ?? DEFAULT_REFRESH_TOKEN_LIFETIME.public,
      idTokenSignedResponseAlg: input.idTokenSignedResponseAlg ?? null,
      accessTokenSigningAlg: input.accessTokenSigningAlg ?? null,
      hasSecret: secretValue !== undefined,
      hasClientKeys: hasClientKeys(keys),
      serviceApp: systemUserId !== null,
    });
    if (await this.deps.store.apis.get(registration.clientId)) {
      throw conflict('app_id_is_api', `"${registration.clientId}" is the audience of a registered API; an app's ApplicationUri must differ`, ['clientId']);
    }
    if (await this.deps.store.apps.get(registration.clientId)) {
      throw conflict('app_exists', `an app with ApplicationUri "${registration.clientId}" already exists`, ['clientId']);
    }
    const now = this.deps.now();
    const app: TrustedApplication = {
      ...registration,
      refreshReuseGraceSeconds: checkRefreshReuseGrace(input.refreshReuseGraceSeconds ?? null),
      enabled: input.enabled ?? true,
      requireMfa: input.requireMfa ?? false,
      adminApi: input.adminApi ?? false,
      requirePar: input.requirePar ?? false,
      requireDpop: input.requireDpop ?? false,
      accessTokens: checkAccessTokensPolicy(input.accessTokens ?? 'none'),
      systemUserId,
      ...keys,
      createdAt: now,
      updatedAt: now,
    };
    const secrets = secretValue === undefined ? [] : [this.newSecret(app.clientId, secretValue, secretOptions(input, now), now)];
    return { app, secrets, secretValue };
  }

  async update(clientId: string, changes: AppChanges): Promise<AppResult> {
    const { current, app, secretValue, now } = await this.prepareUpdate(clientId, changes);
    const clientType = app.clientType;
    const addSecret = secretValue !== undefined ? this.newSecret(clientId, secretValue, secretOptions(changes, now), now) : undefined;
    const updated = await this.deps.store.apps.update(app, {
      ...(clientType === 'public' ? { revokeSecretsAt: now } : {}),
      ...(addSecret ? { addSecret } : {}),
    });
    if (!updated) throw appNotFound(clientId);
    this.deps.clients?.invalidate(clientId);
    await auditChange(this.deps, {
      action: 'app_updated',
      target: { type: 'app', id: clientId },
      clientId,
      details: {
        changes: settingChanges(current, app),
        ...(addSecret ? { secretAdded: true, secretId: addSecret.id } : {}),
        ...(clientType === 'public' && current.clientType !== 'public' ? { secretsRevoked: true } : {}),
      },
      message: 'app updated',
    });
    return withGenerated({ app }, changes.generateSecret ? secretValue : undefined);
  }

  /** Every check `update` makes, changing nothing (apply's plan and dry run); the app it would store. */
  async prepareUpdate(
    clientId: string,
    changes: AppChanges,
  ): Promise<{ current: TrustedApplication; app: TrustedApplication; secretValue: string | undefined; now: number }> {
    const current = await this.requireChangeable(clientId);
    const clientType = changes.clientType ?? current.clientType;
    const secretValue = this.secretToAdd({ ...changes, clientType });
    const keys = clientKeys(changes, { jwks: current.jwks ?? null, jwksUri: current.jwksUri ?? null });
    const systemUserId = await this.systemUserId(changes.systemUser, current.systemUserId ?? null);
    const now = this.deps.now();
    // a type change moves the refresh lifetime to the new type's default unless it was customised
    const refreshDefault =
      current.refreshTokenLifetime === DEFAULT_REFRESH_TOKEN_LIFETIME[current.clientType]
        ? DEFAULT_REFRESH_TOKEN_LIFETIME[clientType] ?? current.refreshTokenLifetime
        : current.refreshTokenLifetime;
    const registration: AppRegistration = validateAppRegistration({
      clientId,
      displayName: changes.displayName ?? current.displayName,
      clientType,
      loginRedirectUris: changes.loginRedirectUris ?? current.loginRedirectUris,
      logoutRedirectUris: changes.logoutRedirectUris ?? current.logoutRedirectUris,
      scopes: changes.scopes ?? current.scopes,
      allowInternalUsers: changes.allowInternalUsers ?? current.allowInternalUsers,
      allowCommunityUsers: changes.allowCommunityUsers ?? current.allowCommunityUsers,
      allowRefreshTokens: changes.allowRefreshTokens ?? current.allowRefreshTokens,
      requireConsent: changes.requireConsent ?? current.requireConsent,
      accessTokenLifetime: changes.accessTokenLifetime ?? current.accessTokenLifetime,
      refreshTokenLifetime: changes.refreshTokenLifetime ?? refreshDefault,
      // null is a change too: back to SIGNING_ALG
      idTokenSignedResponseAlg: changes.idTokenSignedResponseAlg === undefined ? current.idTokenSignedResponseAlg : changes.idTokenSignedResponseAlg,
      accessTokenSigningAlg: changes.accessTokenSigningAlg === undefined ? current.accessTokenSigningAlg : changes.accessTokenSigningAlg,
      // a public app keeps no secrets (its old ones are revoked below). An app that stays confidential
      // keeps its secrets as they are: even with none active (all expired or revoked) it can still be
      // renamed or disabled; `app secret add` gives it a new one.
      hasSecret: secretValue !== undefined || (clientType === 'confidential' && current.clientType === 'confidential'),
      hasClientKeys: hasClientKeys(keys),
      serviceApp: systemUserId !== null,
    });
    const app: TrustedApplication = {
      ...registration,
      refreshReuseGraceSeconds: checkRefreshReuseGrace(
        changes.refreshReuseGraceSeconds === undefined ? current.refreshReuseGraceSeconds : changes.refreshReuseGraceSeconds,
      ),
      enabled: changes.enabled ?? current.enabled,
      requireMfa: changes.requireMfa ?? current.requireMfa,
      adminApi: changes.adminApi ?? current.adminApi ?? false,
      requirePar: changes.requirePar ?? current.requirePar,
      requireDpop: changes.requireDpop ?? current.requireDpop,
      accessTokens: checkAccessTokensPolicy(changes.accessTokens ?? current.accessTokens),
      systemUserId,
      ...keys,
      createdAt: current.createdAt,
      updatedAt: Math.max(now, current.updatedAt),
    };
    return { current, app, secretValue, now };
  }

  async enable(clientId: string): Promise<TrustedApplication> {
    return this.setEnabled(clientId, true);
  }

  /** The kill switch: every node refuses the app once its client cache expires (seconds). */
  async disable(clientId: string): Promise<TrustedApplication> {
    return this.setEnabled(clientId, false);
  }

  /** Flips only the enabled flag: the kill switch never depends on re-validating the rest of the record. */
  private async setEnabled(clientId: string, enabled: boolean): Promise<TrustedApplication> {
    const current = await this.requireChangeable(clientId);
    const app = { ...current, enabled, updatedAt: Math.max(this.deps.now(), current.updatedAt) };
    if (!(await this.deps.store.apps.update(app))) throw appNotFound(clientId);
    this.deps.clients?.invalidate(clientId);
    await auditChange(this.deps, {
      action: enabled ? 'app_enabled' : 'app_disabled',
      target: { type: 'app', id: clientId },
      clientId,
      details: { wasEnabled: current.enabled },
      message: enabled ? 'app enabled' : 'app disabled',
    });
    return app;
  }

  /**
   * Deletes the app with its secrets, and everything issued to it that could outlive it: refresh-token
   * families are revoked (so re-creating the same ApplicationUri later revives nothing), consents,
   * pending codes and sign-ins are removed.
   */
  async delete(clientId: string): Promise<void> {
    await this.requireChangeable(clientId);
    const now = this.deps.now();
    const deleted = await this.deps.store.apps.delete(clientId, now);
    this.deps.clients?.invalidate(clientId);
    if (!deleted) throw appNotFound(clientId);
    await auditChange(this.deps, { action: 'app_deleted', target: { type: 'app', id: clientId }, clientId, message: 'app deleted' });
  }

  async list(): Promise<TrustedApplication[]> {
    return this.deps.store.apps.list();
  }

  async show(clientId: string): Promise<{ app: TrustedApplication; secrets: SecretInfo[] }> {
    const app = await this.require(clientId);
    return { app, secrets: await this.listSecrets(clientId) };
  }

  /** Adds a secret; several may be active at once so a secret can be rotated without downtime. */
  async addSecret(clientId: string, input: NewSecretInput): Promise<{ secret: SecretInfo; generatedSecret?: string }> {
    const app = await this.requireChangeable(clientId);
    if (app.clientType !== 'confidential') {
      throw invalid('public_app_secret', `"${clientId}" is a public app and cannot have a secret`, ['secret']);
    }
    const value = this.secretToAdd({ ...input, clientType: 'confidential' });
    if (value === undefined) throw invalid('secret_missing', 'give a secret, or ask for one to be generated', ['secret', 'generateSecret']);
    const now = this.deps.now();
    if (input.expiresAt !== undefined && input.expiresAt !== null) {
      if (!Number.isFinite(input.expiresAt) || input.expiresAt <= now) {
        throw invalid('secret_expiry_past', 'the secret expiry must be in the future', ['expiresAt']);
      }
    }
    const secret = this.newSecret(clientId, value, input, now);
    await this.deps.store.apps.addSecret(secret);
    this.deps.clients?.invalidate(clientId);
    await auditChange(this.deps, {
      action: 'app_secret_added',
      target: { type: 'secret', id: secret.id },
      clientId,
      details: {
        generated: input.generateSecret === true,
        expiresAt: secret.expiresAt === null ? null : new Date(secret.expiresAt).toISOString(),
        description: secret.description,
      },
      message: 'app secret added',
    });
    const result: { secret: SecretInfo; generatedSecret?: string } = { secret: secretInfo(secret, now) };
    if (input.generateSecret) result.generatedSecret = value;
    return result;
  }

  async listSecrets(clientId: string): Promise<SecretInfo[]> {
    await this.require(clientId);
    const now = this.deps.now();
    return (await this.deps.store.apps.listSecrets(clientId)).map((secret) => secretInfo(secret, now));
  }

  /**
   * Revokes a secret at once. Revoking the last active secret of a confidential app locks it out, so it
   * needs `force` (add the new secret first when rotating).
   */
  async revokeSecret(clientId: string, secretId: string, options: { force?: boolean } = {}): Promise<SecretInfo> {
    await this.requireChangeable(clientId);
    const now = this.deps.now();
    const secrets = await this.deps.store.apps.listSecrets(clientId);
    const target = secrets.find((secret) => secret.id === secretId);
    if (!target) throw notFound('secret_not_found', `app "${clientId}" has no secret with id "${secretId}"`, ['secretId']);
    if (target.revokedAt !== null) throw conflict('secret_already_revoked', `secret "${secretId}" is already revoked`, ['secretId']);
    const othersActive = secrets.some((secret) => secret.id !== secretId && isSecretActive(secret, now));
    if (!othersActive && isSecretActive(target, now) && !options.force) {
      throw invalid(
        'last_active_secret',
        `secret "${secretId}" is the app's last active secret: revoking it locks "${clientId}" out; ` +
          'add a new secret first, or repeat with force',
        ['force'],
      );
    }
    if (!(await this.deps.store.apps.revokeSecret(clientId, secretId, now))) {
      throw conflict('secret_already_revoked', `secret "${secretId}" is already revoked`, ['secretId']);
    }
    this.deps.clients?.invalidate(clientId);
    await auditChange(this.deps, {
      action: 'app_secret_revoked',
      target: { type: 'secret', id: secretId },
      clientId,
      details: { lastActive: !othersActive && isSecretActive(target, now), forced: options.force === true },
      message: 'app secret revoked',
    });
    return secretInfo({ ...target, revokedAt: now }, now);
  }

  /**
   * The id of the system user a change names (by login), the current one when the change names none,
   * null when the change removes it. The user must exist; a disabled one may be named (the app then gets
   * no tokens until the user is enabled).
   */
  private async systemUserId(login: string | null | undefined, current: string | null): Promise<string | null> {
    if (login === undefined) return current;
    if (login === null) return null;
    const user = typeof login === 'string' && isStorableText(login) ? await this.deps.store.users.getByLogin(login) : undefined;
    if (!user) throw notFound('system_user_not_found', `no user with login "${String(login)}" to act as the app's system user`, ['systemUser']);
    return user.id;
  }

  private async require(clientId: string): Promise<TrustedApplication> {
    const app = await this.deps.store.apps.get(clientId);
    if (!app) throw appNotFound(clientId);
    return app;
  }

  /** An app an administrator may change: the built-in apps belong to Trustgate (every node registers them at start). */
  private async requireChangeable(clientId: string): Promise<TrustedApplication> {
    if (isBuiltInClientId(clientId)) {
      throw invalid(
        'builtin_app',
        `"${clientId}" is built into Trustgate and cannot be changed, disabled or deleted; every server registers it at start-up`,
        ['clientId'],
      );
    }
    return this.require(clientId);
  }

  /** The secret value to store for this change, if any (validated or generated). */
  private secretToAdd(input: { secret?: string; generateSecret?: boolean; clientType?: ClientType }): string | undefined {
    if (input.secret !== undefined && input.generateSecret) {
      throw invalid('secret_choice_conflict', 'give either a secret or ask for one to be generated, not both', ['secret', 'generateSecret']);
    }
    if (input.clientType === 'public' && (input.secret !== undefined || input.generateSecret)) {
      throw publicAppSecret();
    }
    if (input.generateSecret) return randomToken(32);
    if (input.secret !== undefined) return checkClientSecret(input.secret);
    return undefined;
  }

  private newSecret(
    clientId: string,
    value: string,
    input: { expiresAt?: number | null; description?: string | null },
    now: number,
  ): ClientSecret {
    const description =
      input.description === undefined || input.description === null
        ? null
        : checkDisplayName(input.description, 'secret description', 'description');
    return {
      id: randomId(),
      clientId,
      secretHash: sha256(value),
      description,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
    };
  }
}

type ClientKeys = Pick<TrustedApplication, 'jwks' | 'jwksUri'>;

/** The app's client keys after a change: keys by value and a JWKS URI replace each other; null removes. */
function clientKeys(input: { jwks?: unknown; jwksUri?: string | null }, current: ClientKeys): ClientKeys {
  const givesJwks = input.jwks !== undefined && input.jwks !== null;
  const givesUri = input.jwksUri !== undefined && input.jwksUri !== null;
  if (givesJwks && givesUri) {
    throw invalid('client_keys_choice_conflict', 'give the public keys either by value (jwks) or by URL (jwksUri), not both', ['jwks', 'jwksUri']);
  }
  if (givesJwks) return { jwks: checkJwks(input.jwks), jwksUri: null };
  if (givesUri) return { jwks: null, jwksUri: checkJwksUri(input.jwksUri!) };
  return {
    jwks: input.jwks === null ? null : current.jwks ?? null,
    jwksUri: input.jwksUri === null ? null : current.jwksUri ?? null,
  };
}

/**
 * Every setting of an app an administrator chooses, in a stable order: what the audit trail records of a
 * change and what `trustgate export`/`apply` files carry (no secrets: an app record holds none).
 */
export const APP_SETTINGS = [
  'displayName',
  'clientType',
  'enabled',
  'loginRedirectUris',
  'logoutRedirectUris',
  'scopes',
  'allowInternalUsers',
  'allowCommunityUsers',
  'allowRefreshTokens',
  'requireConsent',
  'requireMfa',
  'adminApi',
  'accessTokenLifetime',
  'refreshTokenLifetime',
  'idTokenSignedResponseAlg',
  'accessTokenSigningAlg',
  'refreshReuseGraceSeconds',
  'requirePar',
  'requireDpop',
  'accessTokens',
  'systemUserId',
  'jwks',
  'jwksUri',
] as const satisfies readonly (keyof TrustedApplication)[];

function appSettings(app: TrustedApplication): Record<string, unknown> {
  return Object.fromEntries(APP_SETTINGS.map((name) => [name, app[name]]));
}

/** The settings that changed, each with its old and new value. */
function settingChanges(before: TrustedApplication, after: TrustedApplication): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const name of APP_SETTINGS) {
    if (JSON.stringify(before[name]) !== JSON.stringify(after[name])) changes[name] = { from: before[name], to: after[name] };
  }
  return changes;
}

/** The description and expiry of the secret given with a create or update (an expiry must be in the future). */
function secretOptions(input: { secretDescription?: string | null; secretExpiresAt?: number | null }, now: number) {
  if (input.secretExpiresAt !== undefined && input.secretExpiresAt !== null) {
    if (!Number.isFinite(input.secretExpiresAt) || input.secretExpiresAt <= now) {
      throw invalid('secret_expiry_past', 'the secret expiry must be in the future', ['expiresAt']);
    }
  }
  return {
    ...(input.secretDescription !== undefined ? { description: input.secretDescription } : {}),
    ...(input.secretExpiresAt !== undefined ? { expiresAt: input.secretExpiresAt } : {}),
  };
}

function withGenerated(result: AppResult, generated: string | undefined): AppResult {
  return generated === undefined ? result : { ...result, generatedSecret: generated };
}

function checkAccessTokensPolicy(value: string): AccessTokensPolicy {
  if (!(ACCESS_TOKENS_POLICIES as readonly string[]).includes(value)) {
    throw invalid('access_tokens_invalid', 'who may issue reference tokens must be none, users or admins', ['accessTokens']);
  }
  return value as AccessTokensPolicy;
}

function appNotFound(clientId: string) {
  return notFound('app_not_found', `no app with ApplicationUri "${clientId}"`, ['clientId']);
}
