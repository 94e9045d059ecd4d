import type { User } from '../domain/user.js';
import type { RevocationReason } from '../domain/refresh-family.js';

/** What ends with a change of a user's credentials or status. */
export interface EndAccess {
  at: number;
  reason: RevocationReason;
  /** the one session that stays signed in (the user changed their own password in it) */
  keepSession?: string;
}

/** Users; logins are unique without regard to case. */
/** A user read together with whether an access token of theirs is on the deny list (one statement). */
export interface UserUnlessRevoked {
  /** undefined: no such user */
  user: User | undefined;
  /** the jti is on the deny list of revoked access tokens */
  revoked: boolean;
}

export interface UsersStore {
  getById(id: string): Promise<User | undefined>;
  /**
   * The user `id` and whether the access token `jti` is revoked, in one round trip (userinfo: the
   * deny-list check and the user read of every call).
   */
  getByIdUnlessRevoked(id: string, jti: string): Promise<UserUnlessRevoked>;
  getByLogin(login: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  insert(user: User): Promise<void>;
  /**
   * Replaces the user's fields. With `endAccess`, atomically ends the user's SSO sessions (all but
   * `keepSession`, the id hash of the session that made the change, when given) and revokes their
   * refresh-token families (with that reason). False (nothing changed) when the user does not exist.
   */
  update(user: User, options?: { endAccess?: EndAccess }): Promise<boolean>;
  /**
   * Sets only the password hash (and moves updatedAt to `at` unless it is later already), so a change of
   * another field made meanwhile (an administrator disabling the user) is kept. `endAccess` as for update,
   * in the same transaction. False (nothing changed) when the user does not exist.
   */
  setPasswordHash(userId: string, passwordHash: string, at: number, options?: { endAccess?: EndAccess }): Promise<boolean>;
}
