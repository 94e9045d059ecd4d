import { conflict, invalid, notFound } from '../errors/admin-error.js';
import { MAX_REFERENCE_TOKEN_LIFETIME, REFERENCE_TOKEN_PREFIX, isReferenceTokenActive, type ReferenceToken } from '../domain/reference-token.js';
import { PROTOCOL_SCOPES, type TrustedApplication } from '../domain/trusted-application.js';
import type { User } from '../domain/user.js';
import { checkDisplayName } from '../checks/registration/display-name.js';
import { grantProblem, parseScopeParameter } from '../grants/subject-checks.js';
import { randomId, randomToken, sha256 } from '../tokens/opaque.js';
import { auditChange, type AdminDeps } from './admin-deps.js';

/** Who issues or revokes: an administrator (CLI, admin API), or the signed-in user for themselves. */
export type TokenActor = { kind: 'admin' } | { kind: 'user'; userId: string };

export interface NewReferenceTokenInput {
  /** the user's login or id */
  user: string;
  /** the app's ApplicationUri */
  clientId: string;
  /** space-delimited or a list; API scopes the app may be granted */
  scope: string | string[];
  /** seconds from now (at most a year) */
  expiresIn: number;
  description?: string | null;
}

export type ReferenceTokenStatus = 'active' | 'expired' | 'revoked';

/** What may be shown of a reference token (never the value, never the hash). */
export interface ReferenceTokenInfo {
  id: string;
  userId: string;
  login: string | null;
  clientId: string;
  scope: string[];
  description: string | null;
  createdBy: 'admin' | 'user';
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  status: ReferenceTokenStatus;
}

/**
 * Long-lived reference tokens: one rule set behind `trustgate token …` and the account page. The app
 * decides who may issue them (`accessTokens`: none, users, admins); the value is shown once and stored as
 * its SHA-256 hash.
 */
export class ReferenceTokenService {
  constructor(private readonly deps: AdminDeps) {}

  async create(input: NewReferenceTokenInput, actor: TokenActor): Promise<{ token: ReferenceTokenInfo; value: string }> {
    const user = await this.findUser(input.user);
    if (actor.kind === 'user' && actor.userId !== user.id) {
      throw invalid('token_other_user', 'you can only issue tokens for yourself', ['user']);
    }
    const app = await this.deps.store.apps.get(input.clientId);
    if (!app) throw notFound('app_not_found', `no app with ApplicationUri "${input.clientId}"`, ['clientId']);
    refuseByPolicy(app, actor);
    const scope = checkTokenScope(input.scope);
    const foreign = scope.find((s) => !app.scopes.includes(s));
    if (foreign) {
      throw invalid('token_scope_not_allowed', `the app "${app.clientId}" may not be granted the scope "${foreign}" (its scopes: ${app.scopes.join(' ') || 'none'})`, ['scope']);
    }
    const problem = grantProblem(app, user, scope);
    if (!app.enabled) throw invalid('token_app_disabled', `the app "${app.clientId}" is disabled`, ['clientId']);
    if (problem) throw invalid('token_not_allowed', `a token for "${app.clientId}" cannot be issued: ${problem}`, ['scope']);
    if (!Number.isInteger(input.expiresIn) || input.expiresIn < 60 || input.expiresIn > MAX_REFERENCE_TOKEN_LIFETIME) {
      throw invalid('token_lifetime_invalid', 'a token lives between one minute and 366 days', ['expiresIn']);
    }
    const description =
      input.description === undefined || input.description === null || input.description.trim() === ''
        ? null
        : checkDisplayName(input.description, 'token description', 'description');
    const now = this.deps.now();
    const value = `${REFERENCE_TOKEN_PREFIX}${randomToken(32)}`;
    const token: ReferenceToken = {
      id: randomId(),
      tokenHash: sha256(value),
      userId: user.id,
      clientId: app.clientId,
      scope,
      description,
      createdBy: actor.kind,
      createdAt: now,
      expiresAt: now + input.expiresIn * 1000,
      revokedAt: null,
    };
    await this.deps.store.referenceTokens.insert(token);
    await auditChange(this.actorDeps(actor), {
      action: 'reference_token_created',
      target: { type: 'reference_token', id: token.id },
      clientId: app.clientId,
      userId: user.id,
      details: { scope, expiresAt: token.expiresAt, by: actor.kind },
      message: 'reference token created',
    });
    return { token: info(token, user.login, now), value };
  }

  /** Tokens, newest first, of a user and/or an app. */
  async list(filter: { user?: string; clientId?: string } = {}): Promise<ReferenceTokenInfo[]> {
    const userId = filter.user === undefined ? undefined : (await this.findUser(filter.user)).id;
    const tokens = await this.deps.store.referenceTokens.list({ ...(userId ? { userId } : {}), ...(filter.clientId ? { clientId: filter.clientId } : {}) });
    const logins = new Map<string, string | null>();
    for (const token of tokens) {
      if (!logins.has(token.userId)) logins.set(token.userId, (await this.deps.store.users.getById(token.userId))?.login ?? null);
    }
    const now = this.deps.now();
    return tokens.map((token) => info(token, logins.get(token.userId) ?? null, now));
  }

  /** Revokes at once (a user only their own); the revocation reaches the APIs through the feed. */
  async revoke(id: string, actor: TokenActor): Promise<ReferenceTokenInfo> {
    const token = await this.deps.store.referenceTokens.get(id);
    if (!token || (actor.kind === 'user' && token.userId !== actor.userId)) {
      throw notFound('token_not_found', `no reference token with id "${id}"`, ['id']);
    }
    if (token.revokedAt !== null) throw conflict('token_already_revoked', `reference token "${id}" is already revoked`, ['id']);
    const now = this.deps.now();
    const revoked = await this.deps.store.referenceTokens.revoke(id, now, actor.kind === 'user' ? { userId: actor.userId } : {});
    if (!revoked) throw conflict('token_already_revoked', `reference token "${id}" is already revoked`, ['id']);
    await auditChange(this.actorDeps(actor), {
      action: 'reference_token_revoked',
      target: { type: 'reference_token', id },
      clientId: token.clientId,
      userId: token.userId,
      details: { by: actor.kind },
      message: 'reference token revoked',
    });
    const login = (await this.deps.store.users.getById(token.userId))?.login ?? null;
    return info({ ...token, revokedAt: now }, login, now);
  }

  /** A user acting for themselves is the actor `user:<id>`; an administrator is the deps' actor. */
  private actorDeps(actor: TokenActor): Pick<AdminDeps, 'audit' | 'actor' | 'sourceAddress'> {
    return actor.kind === 'user' ? { ...this.deps, actor: `user:${actor.userId}` } : this.deps;
  }

  private async findUser(loginOrId: string): Promise<User> {
    const user = (await this.deps.store.users.getByLogin(loginOrId)) ?? (await this.deps.store.users.getById(loginOrId));
    if (!user) throw notFound('user_not_found', `no user with login or id "${loginOrId}"`, ['user']);
    return user;
  }
}

function refuseByPolicy(app: TrustedApplication, actor: TokenActor): void {
  if (app.accessTokens === 'none') {
    throw invalid('tokens_not_allowed', `the app "${app.clientId}" does not allow reference tokens (its access tokens setting is none)`, ['clientId']);
  }
  if (app.accessTokens === 'admins' && actor.kind === 'user') {
    throw invalid('tokens_admins_only', `only administrators may issue reference tokens for "${app.clientId}"`, ['clientId']);
  }
}

/** API scopes only (a reference token is for APIs: no openid, profile, email or offline_access). */
function checkTokenScope(input: string | string[]): string[] {
  const scope = typeof input === 'string' ? parseScopeParameter(input) : [...new Set(input)];
  if (!scope || scope.length === 0) throw invalid('token_scope_required', 'give at least one API scope, e.g. "read"', ['scope']);
  const protocol = scope.find((s) => (PROTOCOL_SCOPES as readonly string[]).includes(s));
  if (protocol) throw invalid('token_scope_protocol', `a reference token is for APIs: the scope "${protocol}" cannot be given to one`, ['scope']);
  return scope;
}

function info(token: ReferenceToken, login: string | null, now: number): ReferenceTokenInfo {
  const status: ReferenceTokenStatus = token.revokedAt !== null ? 'revoked' : isReferenceTokenActive(token, now) ? 'active' : 'expired';
  return {
    id: token.id,
    userId: token.userId,
    login,
    clientId: token.clientId,
    scope: token.scope,
    description: token.description,
    createdBy: token.createdBy,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    status,
  };
}
