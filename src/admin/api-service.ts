import { conflict, invalid, notFound } from '../errors/admin-error.js';
import type { ApiSecret, RegisteredApi } from '../domain/registered-api.js';
import { isSecretActive } from '../domain/trusted-application.js';
import { checkScopes } from '../checks/registration/scopes.js';
import { checkClientSecret } from '../checks/registration/secret.js';
import { checkDisplayName } from '../checks/registration/display-name.js';
import { randomId, randomToken, sha256 } from '../tokens/opaque.js';
import { auditChange, isUniqueViolation, type AdminDeps } from './admin-deps.js';
import { secretInfo, type SecretInfo } from './secret-info.js';

export const MAX_AUDIENCE_LENGTH = 512;

/** Everything an administrator sets on a registered API. */
export interface ApiInput {
  /** the `aud` value its tokens carry, and its client_id at introspection and the revocation feed */
  audience: string;
  displayName: string;
  /** the scopes that belong to it, as a list or space-delimited ("erp.read erp.write") */
  scopes: string[] | string;
  /** a secret given by hand (at least 32 characters) */
  secret?: string;
  /** generate a 256-bit secret, returned once as `generatedSecret` */
  generateSecret?: boolean;
}

export type ApiChanges = Partial<Pick<ApiInput, 'displayName' | 'scopes'>>;

export interface ApiResult {
  api: RegisteredApi;
  /** a generated secret: shown exactly once, never stored in clear */
  generatedSecret?: string;
}

export interface NewApiSecretInput {
  secret?: string;
  generateSecret?: boolean;
  /** epoch milliseconds after which the secret no longer works */
  expiresAt?: number | null;
  description?: string | null;
}

/**
 * Registered APIs (protected resources): the one service layer behind `trustgate api …`. A refused
 * change throws an AdminError and changes nothing.
 */
export class ApiService {
  constructor(private readonly deps: AdminDeps) {}

  async create(input: ApiInput): Promise<ApiResult> {
    const audience = checkAudience(input.audience);
    const displayName = checkDisplayName(input.displayName, 'API name');
    const scopes = checkApiScopes(input.scopes);
    const secretValue = secretToAdd(input);
    if (secretValue === undefined) {
      throw invalid('api_secret_required', 'an API authenticates with a secret: give one, or ask for one to be generated', ['secret', 'generateSecret']);
    }
    if (await this.deps.store.apps.get(audience)) {
      throw conflict(
        'api_audience_is_app',
        `"${audience}" is the ApplicationUri of an app; an API's audience must differ from every app's, since both authenticate with it`,
        ['audience'],
      );
    }
    if (await this.deps.store.apis.get(audience)) throw apiExists(audience);
    await this.refuseTakenScopes(audience, scopes);
    const now = this.deps.now();
    const api: RegisteredApi = { audience, displayName, scopes, createdAt: now, updatedAt: now };
    try {
      await this.deps.store.apis.insert(api, [newSecret(audience, secretValue, {}, now)]);
      this.deps.apiRegistry?.invalidate();
    } catch (error) {
      if (isUniqueViolation(error)) {
        // another administrator registered the audience or one of the scopes meanwhile
        if (await this.deps.store.apis.get(audience)) throw apiExists(audience);
        await this.refuseTakenScopes(audience, scopes);
      }
      throw error;
    }
    await auditChange(this.deps, {
      action: 'api_created',
      target: { type: 'api', id: audience },
      details: { displayName, scopes, secretAdded: true },
      message: 'API registered',
    });
    return input.generateSecret ? { api, generatedSecret: secretValue } : { api };
  }

  async update(audience: string, changes: ApiChanges): Promise<RegisteredApi> {
    const current = await this.require(audience);
    const displayName = changes.displayName === undefined ? current.displayName : checkDisplayName(changes.displayName, 'API name');
    const scopes = changes.scopes === undefined ? current.scopes : checkApiScopes(changes.scopes);
    await this.refuseTakenScopes(audience, scopes);
    const api: RegisteredApi = { ...current, displayName, scopes, updatedAt: Math.max(this.deps.now(), current.updatedAt) };
    try {
      if (!(await this.deps.store.apis.update(api))) throw apiNotFound(audience);
      this.deps.apiRegistry?.invalidate();
    } catch (error) {
      if (isUniqueViolation(error)) await this.refuseTakenScopes(audience, scopes);
      throw error;
    }
    await auditChange(this.deps, {
      action: 'api_updated',
      target: { type: 'api', id: audience },
      details: { changes: { displayName: { from: current.displayName, to: displayName }, scopes: { from: current.scopes, to: scopes } } },
      message: 'API changed',
    });
    return api;
  }

  /** Deletes the API and its secrets. Its scopes fall back to the default API (API_AUDIENCE). */
  async delete(audience: string): Promise<void> {
    await this.require(audience);
    if (!(await this.deps.store.apis.delete(audience))) throw apiNotFound(audience);
    this.deps.apiRegistry?.invalidate();
    await auditChange(this.deps, { action: 'api_deleted', target: { type: 'api', id: audience }, message: 'API deleted' });
  }

  async list(): Promise<RegisteredApi[]> {
    return this.deps.store.apis.list();
  }

  async show(audience: string): Promise<{ api: RegisteredApi; secrets: SecretInfo[] }> {
    const api = await this.require(audience);
    return { api, secrets: await this.listSecrets(audience) };
  }

  /** Adds a secret; several may be active at once so a secret can be rotated without downtime. */
  async addSecret(audience: string, input: NewApiSecretInput): Promise<{ secret: SecretInfo; generatedSecret?: string }> {
    await this.require(audience);
    const value = secretToAdd(input);
    if (value === undefined) throw invalid('secret_missing', 'give a secret, or ask for one to be generated', ['secret', 'generateSecret']);
    const now = this.deps.now();
    if (input.expiresAt !== undefined && input.expiresAt !== null && (!Number.isFinite(input.expiresAt) || input.expiresAt <= now)) {
      throw invalid('secret_expiry_past', 'the secret expiry must be in the future', ['expiresAt']);
    }
    const secret = newSecret(audience, value, input, now);
    await this.deps.store.apis.addSecret(secret);
    await auditChange(this.deps, {
      action: 'api_secret_added',
      target: { type: 'api_secret', id: secret.id },
      details: { audience, expiresAt: secret.expiresAt },
      message: 'API secret added',
    });
    const info = secretInfo(secret, now);
    return input.generateSecret ? { secret: info, generatedSecret: value } : { secret: info };
  }

  async listSecrets(audience: string): Promise<SecretInfo[]> {
    await this.require(audience);
    const now = this.deps.now();
    return (await this.deps.store.apis.listSecrets(audience)).map((secret) => secretInfo(secret, now));
  }

  /** Revokes a secret at once; the last active one needs `force` (the API could no longer authenticate). */
  async revokeSecret(audience: string, secretId: string, options: { force?: boolean } = {}): Promise<SecretInfo> {
    await this.require(audience);
    const now = this.deps.now();
    const secrets = await this.deps.store.apis.listSecrets(audience);
    const target = secrets.find((secret) => secret.id === secretId);
    if (!target) throw notFound('secret_not_found', `API "${audience}" has no secret with id "${secretId}"`, ['secretId']);
    if (target.revokedAt !== null) throw conflict('secret_already_revoked', `secret "${secretId}" is already revoked`, ['secretId']);
    const othersActive = secrets.some((secret) => secret.id !== secretId && isSecretActive(secret, now));
    if (!othersActive && isSecretActive(target, now) && !options.force) {
      throw invalid(
        'last_active_secret',
        `secret "${secretId}" is the API's last active secret: revoking it locks "${audience}" out of introspection and the revocation feed; ` +
          'add a new secret first, or repeat with force',
        ['force'],
      );
    }
    if (!(await this.deps.store.apis.revokeSecret(audience, secretId, now))) {
      throw conflict('secret_already_revoked', `secret "${secretId}" is already revoked`, ['secretId']);
    }
    await auditChange(this.deps, {
      action: 'api_secret_revoked',
      target: { type: 'api_secret', id: secretId },
      details: { audience, forced: options.force === true },
      message: 'API secret revoked',
    });
    return secretInfo({ ...target, revokedAt: now }, now);
  }

  private async require(audience: string): Promise<RegisteredApi> {
    const api = await this.deps.store.apis.get(audience);
    if (!api) throw apiNotFound(audience);
    return api;
  }

  private async refuseTakenScopes(audience: string, scopes: readonly string[]): Promise<void> {
    const owners = await this.deps.store.apis.owners(scopes);
    for (const scope of scopes) {
      const owner = owners.get(scope);
      if (owner !== undefined && owner !== audience) {
        throw conflict('api_scope_taken', `the scope "${scope}" already belongs to the API "${owner}"; a scope belongs to one API`, ['scopes']);
      }
    }
  }
}

/** An audience: 1–512 printable ASCII characters without spaces (a URI or a name, as API_AUDIENCE). */
export function checkAudience(audience: string): string {
  if (typeof audience !== 'string' || audience.length === 0 || audience.length > MAX_AUDIENCE_LENGTH || !/^[\x21-\x7e]+$/.test(audience)) {
    throw invalid(
      'api_audience_invalid',
      `an API's audience is 1 to ${MAX_AUDIENCE_LENGTH} printable characters without spaces, e.g. https://erp.example.com/api`,
      ['audience'],
    );
  }
  return audience;
}

/** An API's scopes: the app scope rules, at least one, and none of the protocol scopes. */
export function checkApiScopes(input: string | readonly string[]): string[] {
  const tokens = typeof input === 'string' ? input.split(' ') : [...input];
  const protocol = tokens.find((token) => ['openid', 'profile', 'email', 'offline_access'].includes(token));
  if (protocol) {
    throw invalid('api_scope_protocol', `the scope "${protocol}" is an OpenID Connect scope of the server itself and cannot belong to an API`, ['scopes']);
  }
  const scopes = checkScopes(input, true);
  if (scopes.length === 0) throw invalid('api_scope_required', 'an API needs at least one scope, e.g. "erp.read"', ['scopes']);
  return [...scopes].sort();
}

function secretToAdd(input: { secret?: string; generateSecret?: boolean }): string | undefined {
  if (input.secret !== undefined && input.generateSecret) {
    throw invalid('secret_choice_conflict', 'give either a secret or ask for one to be generated, not both', ['secret', 'generateSecret']);
  }
  if (input.generateSecret) return randomToken(32);
  if (input.secret !== undefined) return checkClientSecret(input.secret);
  return undefined;
}

function newSecret(audience: string, value: string, input: { expiresAt?: number | null; description?: string | null }, now: number): ApiSecret {
  const description =
    input.description === undefined || input.description === null ? null : checkDisplayName(input.description, 'secret description', 'description');
  return { id: randomId(), clientId: audience, secretHash: sha256(value), description, createdAt: now, expiresAt: input.expiresAt ?? null, revokedAt: null };
}

function apiExists(audience: string) {
  return conflict('api_exists', `an API with audience "${audience}" already exists`, ['audience']);
}

function apiNotFound(audience: string) {
  return notFound('api_not_found', `no registered API with audience "${audience}"`, ['audience']);
}
