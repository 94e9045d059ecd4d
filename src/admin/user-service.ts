import { conflict, invalid, notFound } from '../errors/admin-error.js';
import { hashPassword } from '../domain/password.js';
import { passwordProblem, type PasswordOwner } from '../checks/password-policy.js';
import { passkeyMethod } from '../domain/passkey.js';
import type { UserKind } from '../domain/trusted-application.js';
import { loginKey, type User } from '../domain/user.js';
import type { RevocationReason } from '../domain/refresh-family.js';
import type { SecondFactorSummary } from '../domain/second-factor.js';
import { checkDisplayName } from '../checks/registration/display-name.js';
import { checkEmail, checkLocale, checkLogin, checkUserKind } from '../checks/registration/user-fields.js';
import { randomId, randomToken, sha256 } from '../tokens/opaque.js';
import { passwordResetUrl } from '../domain/password-reset.js';
import { auditChange, isUniqueViolation, type AdminDeps } from './admin-deps.js';

/** Everything an administrator sets when creating a user. */
export interface UserInput {
  login: string;
  displayName: string;
  email: string | null;
  emailVerified: boolean;
  locale: string | null;
  kind: UserKind;
  isAdmin: boolean;
  enabled: boolean;
  /** the user must use a second factor at every sign-in */
  requireMfa: boolean;
  password: string;
}

export type NewUserInput = Pick<UserInput, 'login' | 'displayName' | 'kind' | 'password'> & Partial<UserInput>;

/** What `update` may change (the login and the password have their own operations; enabled and requireMfa too). */
export type UserChanges = Partial<Pick<UserInput, 'displayName' | 'email' | 'emailVerified' | 'locale' | 'kind' | 'isAdmin'>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an administrator may see of a user (never the password hash). */
export type UserView = Omit<User, 'passwordHash'>;

export function userView(user: User): UserView {
  const { passwordHash, ...view } = user;
  void passwordHash;
  return view;
}

/**
 * Users: the one service layer behind the CLI (and later an admin API). Passwords are checked with
 * passwordProblem (length, personal details, strength estimate) and hashed with argon2id; a refused change
 * throws an AdminError and changes nothing.
 */
export class UserService {
  constructor(private readonly deps: AdminDeps) {}

  async create(input: NewUserInput): Promise<{ user: User }> {
    const login = checkLogin(input.login);
    const displayName = checkDisplayName(input.displayName, 'display name');
    const email = input.email === undefined || input.email === null || input.email === '' ? null : checkEmail(input.email);
    const locale = input.locale === undefined || input.locale === null || input.locale === '' ? null : checkLocale(input.locale);
    const kind = checkUserKind(input.kind);
    await this.checkPassword(input.password, { login, displayName, email });
    if (await this.deps.store.users.getByLogin(login)) {
      throw conflict('user_exists', `a user with login "${login}" already exists`, ['login']);
    }
    const now = this.deps.now();
    const user: User = {
      id: randomId(),
      login,
      displayName,
      email,
      emailVerified: email !== null && (input.emailVerified ?? false),
      locale,
      kind,
      isAdmin: input.isAdmin ?? false,
      enabled: input.enabled ?? true,
      requireMfa: input.requireMfa ?? false,
      hasSecondFactor: false,
      passwordHash: await hashPassword(input.password, this.deps.config.argon2),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.deps.store.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('user_exists', `a user with login "${login}" already exists`, ['login']);
      throw error;
    }
    await this.audit('user_created', user, 'user created', {
      login: user.login,
      kind: user.kind,
      isAdmin: user.isAdmin,
      enabled: user.enabled,
      requireMfa: user.requireMfa,
    });
    return { user };
  }

  /**
   * Sets a new password. The user's sign-in sessions end and their refresh tokens are revoked, so a
   * password reset after a compromise actually locks the old holder out.
   */
  async setPassword(loginOrId: string, password: string): Promise<User> {
    const current = await this.require(loginOrId);
    await this.checkPassword(password, current);
    const passwordHash = await hashPassword(password, this.deps.config.argon2);
    const at = this.deps.now();
    const endAccess = { at, reason: 'password_changed' as const };
    if (!(await this.deps.store.users.setPasswordHash(current.id, passwordHash, at, { endAccess }))) throw userNotFound(current.login);
    await this.audit('user_password_set', current, 'password set by an administrator; sessions ended', { sessionsEnded: true });
    return { ...current, passwordHash, updatedAt: Math.max(at, current.updatedAt) };
  }

  /**
   * A one-time link at which the user sets a new password: 256 random bits, stored only as their
   * SHA-256, valid for PASSWORD_RESET_LIFETIME; it replaces the user's older links. The link is returned
   * once, for the administrator to hand over.
   */
  async createResetLink(loginOrId: string): Promise<{ user: User; url: string; expiresAt: number }> {
    const user = await this.require(loginOrId);
    const token = randomToken(32);
    const now = this.deps.now();
    const expiresAt = now + this.deps.config.passwordResetLifetimeSeconds * 1000;
    await this.deps.store.passwordResets.issue({ tokenHash: sha256(token), userId: user.id, createdAt: now, expiresAt, usedAt: null });
    await this.audit('user_password_reset_link_created', user, 'password-reset link created', { expiresAt: new Date(expiresAt).toISOString() });
    return { user, url: passwordResetUrl(this.deps.config.issuer, token), expiresAt };
  }

  /**
   * Changes the user's profile, kind or administrator flag. An email of '' or null removes it (and its
   * verification). Taking the administrator flag away takes effect at once: the admin API checks it on
   * every request.
   */
  async update(loginOrId: string, changes: UserChanges): Promise<User> {
    const current = await this.require(loginOrId);
    const displayName = changes.displayName === undefined ? current.displayName : checkDisplayName(changes.displayName, 'display name');
    const email =
      changes.email === undefined ? current.email : changes.email === null || changes.email === '' ? null : checkEmail(changes.email);
    const locale =
      changes.locale === undefined ? current.locale : changes.locale === null || changes.locale === '' ? null : checkLocale(changes.locale);
    const kind = changes.kind === undefined ? current.kind : checkUserKind(changes.kind);
    const emailVerified =
      email === null ? false : changes.emailVerified ?? (email === current.email ? current.emailVerified : false);
    const user: User = {
      ...current,
      displayName,
      email,
      emailVerified,
      locale,
      kind,
      isAdmin: changes.isAdmin ?? current.isAdmin,
      updatedAt: Math.max(this.deps.now(), current.updatedAt),
    };
    await this.save(user);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const name of ['displayName', 'email', 'emailVerified', 'locale', 'kind', 'isAdmin'] as const) {
      if (current[name] !== user[name]) changed[name] = { from: current[name], to: user[name] };
    }
    await this.audit('user_updated', user, 'user updated', { changes: changed });
    return user;
  }

  /** Ends every sign-in session of the user and revokes their refresh tokens (the user stays enabled). */
  async endSessions(loginOrId: string): Promise<User> {
    const current = await this.require(loginOrId);
    await this.save({ ...current, updatedAt: Math.max(this.deps.now(), current.updatedAt) }, 'revoked_by_admin');
    await this.audit('user_sessions_ended', current, 'sessions ended and refresh tokens revoked by an administrator', { sessionsEnded: true });
    return current;
  }

  async enable(loginOrId: string): Promise<User> {
    const current = await this.require(loginOrId);
    const user = { ...current, enabled: true, updatedAt: Math.max(this.deps.now(), current.updatedAt) };
    await this.save(user);
    await this.audit('user_enabled', user, 'user enabled', { wasEnabled: current.enabled });
    return user;
  }

  /** Disables the user: sign-in is refused, sessions end and refresh tokens are revoked at once. */
  async disable(loginOrId: string): Promise<User> {
    const current = await this.require(loginOrId);
    const user = { ...current, enabled: false, updatedAt: Math.max(this.deps.now(), current.updatedAt) };
    await this.save(user, 'user_disabled');
    await this.audit('user_disabled', user, 'user disabled; sessions ended', { wasEnabled: current.enabled, sessionsEnded: true });
    return user;
  }

  /**
   * Clears the user's sign-in throttle counters (every source, the account-wide one and their devices'),
   * e.g. after a distributed attack kept new browsers out. Returns how many counters were cleared.
   */
  async unlock(loginOrId: string): Promise<{ user: User; cleared: number }> {
    const user = await this.require(loginOrId);
    const cleared = await this.deps.store.throttles.clearAccount(loginKey(user.login));
    await this.audit('user_unlocked', user, 'sign-in throttle counters cleared', { cleared });
    return { user, cleared };
  }

  /** Requires (or no longer requires) a second factor of the user at every sign-in. */
  async setRequireMfa(loginOrId: string, required: boolean): Promise<User> {
    const current = await this.require(loginOrId);
    const user = { ...current, requireMfa: required, updatedAt: Math.max(this.deps.now(), current.updatedAt) };
    await this.save(user);
    await this.audit('user_mfa_requirement_set', user, required ? 'second factor required' : 'second factor no longer required', {
      required,
      was: current.requireMfa,
    });
    return user;
  }

  /** What second factors the user has (never their secrets). */
  async secondFactors(loginOrId: string): Promise<{ user: User } & SecondFactorSummary> {
    const user = await this.require(loginOrId);
    const [totp, recoveryCodesLeft, passkeys] = await Promise.all([
      this.deps.store.secondFactors.confirmedTotp(user.id),
      this.deps.store.secondFactors.recoveryCodesLeft(user.id),
      this.deps.store.passkeys.listForUser(user.id),
    ]);
    return {
      user,
      totp: totp !== undefined,
      recoveryCodesLeft,
      passkeys: passkeys.map((p) => ({ name: p.name, method: passkeyMethod(p.backedUp), createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
    };
  }

  /**
   * Removes every second factor of the user (TOTP app, recovery codes, passkeys: a lost phone): their sessions end and refresh tokens are
   * revoked too, so whoever holds the old device is signed out; at the next sign-in the user enrols again
   * if a second factor is required.
   */
  async resetSecondFactors(loginOrId: string): Promise<{ user: User; removed: number }> {
    const user = await this.require(loginOrId);
    const removed = await this.deps.store.secondFactors.removeAll(user.id);
    await this.save({ ...user, updatedAt: Math.max(this.deps.now(), user.updatedAt) }, 'second_factors_reset');
    await this.audit('user_second_factors_reset', user, 'second factors removed; sessions ended', { removed, sessionsEnded: true });
    return { user, removed };
  }

  async list(): Promise<User[]> {
    return this.deps.store.users.list();
  }

  async show(loginOrId: string): Promise<User> {
    return this.require(loginOrId);
  }

  /** Finds a user by login (case-insensitive) or by id (UUID). */
  async find(loginOrId: string): Promise<User | undefined> {
    const byLogin = await this.deps.store.users.getByLogin(loginOrId);
    if (byLogin) return byLogin;
    return UUID.test(loginOrId) ? this.deps.store.users.getById(loginOrId.toLowerCase()) : undefined;
  }

  private audit(action: string, user: User, message: string, details: Record<string, unknown> = {}): Promise<void> {
    return auditChange(this.deps, { action, target: { type: 'user', id: user.id }, userId: user.id, details: { login: user.login, ...details }, message });
  }

  private async require(loginOrId: string): Promise<User> {
    const user = await this.find(loginOrId);
    if (!user) throw userNotFound(loginOrId);
    return user;
  }

  private async checkPassword(password: string, owner: PasswordOwner): Promise<void> {
    const problem = typeof password === 'string' ? await passwordProblem(password, owner) : 'a password is required';
    if (problem) throw invalid('password_refused', `password refused: ${problem}`, ['password']);
  }

  /** Saves the user; with `endAccessBecause`, their sessions end and refresh tokens are revoked in the same transaction. */
  private async save(user: User, endAccessBecause?: RevocationReason): Promise<void> {
    const at = this.deps.now();
    const saved = await this.deps.store.users.update(
      user,
      endAccessBecause === undefined ? {} : { endAccess: { at, reason: endAccessBecause } },
    );
    if (!saved) throw userNotFound(user.login);
  }
}

function userNotFound(loginOrId: string) {
  return notFound('user_not_found', `no user with login or id "${loginOrId}"`, ['login']);
}
