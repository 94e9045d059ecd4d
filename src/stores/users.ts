import type { User } from '../domain/user.js';
import type { RevocationReason } from '../domain/refresh-family.js';

/** Users; logins are unique without regard to case. */
export interface UsersStore {
  getById(id: string): Promise<User | undefined>;
  getByLogin(login: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  insert(user: User): Promise<void>;
  /**
   * Replaces the user's fields. With `endAccess`, atomically ends the user's SSO sessions and revokes
   * their refresh-token families (with that reason). False (nothing changed) when the user does not exist.
   */
  update(user: User, options?: { endAccess?: { at: number; reason: RevocationReason } }): Promise<boolean>;
}
