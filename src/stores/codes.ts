import type { AuthorizationCodeRecord } from '../domain/authorization-code.js';
import type { User } from '../domain/user.js';

/** What a code redemption issued, so that a replay of the code can revoke it (RFC 6749 4.1.2). */
export interface IssuedFromCode {
  familyId: string | null;
  accessJti: string;
  accessExpiresAt: number;
}

/** Authorization codes, stored under the SHA-256 of the code. */
export interface CodesStore {
  insert(code: AuthorizationCodeRecord): Promise<void>;
  get(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /**
   * The code and the user it was issued to, in one round trip (the code exchange); `user` is undefined
   * when that user no longer exists.
   */
  getWithUser(codeHash: string): Promise<{ code: AuthorizationCodeRecord; user: User | undefined } | undefined>;
  /**
   * Atomic single-use claim that also records what is being issued, in one statement: true for exactly
   * one caller across processes and nodes.
   */
  consumeAndRecord(codeHash: string, at: number, issued: IssuedFromCode): Promise<boolean>;
  /** Removes codes that expired before `before` (bounded batch). */
  pruneExpired(before: number, limit?: number): Promise<number>;
}
