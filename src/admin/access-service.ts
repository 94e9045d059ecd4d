import { notFound } from '../errors/admin-error.js';
import type { RefreshFamily } from '../domain/refresh-family.js';
import type { Session } from '../domain/session.js';
import { auditChange, type AdminDeps } from './admin-deps.js';
import { UserService } from './user-service.js';

/** What an administrator may see of a sign-in session (never the cookie value or its hash). */
export type SessionInfo = Omit<Session, 'idHash' | 'endedAt'>;

/** What an administrator may see of a refresh-token family (never a token or its hash). */
export interface FamilyInfo {
  id: string;
  clientId: string;
  userId: string;
  scope: string[];
  sid: string;
  createdAt: number;
  expiresAt: number;
}

export function sessionInfo(session: Session): SessionInfo {
  const { sid, userId, authTime, amr, createdAt, lastSeenAt, expiresAt } = session;
  return { sid, userId, authTime, amr, createdAt, lastSeenAt, expiresAt };
}

export function familyInfo(family: RefreshFamily): FamilyInfo {
  const { id, clientId, userId, scope, sid, createdAt, expiresAt } = family;
  return { id, clientId, userId, scope, sid, createdAt, expiresAt };
}

/**
 * Sign-in sessions and refresh-token families: list them per user or per app, and end them. The one rule
 * set behind the admin API and the console.
 */
export class AccessService {
  constructor(private readonly deps: AdminDeps) {}

  async sessionsOf(loginOrId: string): Promise<{ userId: string; sessions: SessionInfo[] }> {
    const user = await new UserService(this.deps).show(loginOrId);
    const sessions = await this.deps.store.sessions.listByUser(user.id, this.deps.now());
    return { userId: user.id, sessions: sessions.map(sessionInfo) };
  }

  async familiesOfUser(loginOrId: string): Promise<FamilyInfo[]> {
    const user = await new UserService(this.deps).show(loginOrId);
    return (await this.deps.store.refresh.listLive({ userId: user.id }, this.deps.now())).map(familyInfo);
  }

  async familiesOfApp(clientId: string): Promise<FamilyInfo[]> {
    if (!(await this.deps.store.apps.get(clientId))) {
      throw notFound('app_not_found', `no app with ApplicationUri "${clientId}"`, ['clientId']);
    }
    return (await this.deps.store.refresh.listLive({ clientId }, this.deps.now())).map(familyInfo);
  }

  /** Ends one sign-in session (by its public `sid`); the apps signed in with it keep their tokens until revoked. */
  async endSession(sid: string): Promise<SessionInfo> {
    const session = await this.deps.store.sessions.getBySid(sid);
    if (!session || session.endedAt !== null || !(await this.deps.store.sessions.end(session.idHash, this.deps.now(), { logout: true }))) {
      throw notFound('session_not_found', `no live session with sid "${sid}"`, ['sid']);
    }
    await auditChange(this.deps, { action: 'session_ended', target: { type: 'session', id: sid }, userId: session.userId, message: 'session ended by an administrator' });
    return sessionInfo(session);
  }

  /** Revokes a refresh-token family: no token of it refreshes again; its unexpired access tokens are denied. */
  async revokeFamily(familyId: string): Promise<FamilyInfo> {
    const family = await this.deps.store.refresh.getFamily(familyId);
    if (!family || family.revokedAt !== null) {
      throw notFound('family_not_found', `no live refresh-token family with id "${familyId}"`, ['familyId']);
    }
    await this.deps.store.refresh.revokeFamily(familyId, this.deps.now(), 'revoked_by_admin');
    await auditChange(this.deps, {
      action: 'refresh_family_revoked',
      target: { type: 'refresh_family', id: familyId },
      clientId: family.clientId,
      userId: family.userId,
      message: 'refresh tokens revoked by an administrator',
    });
    return familyInfo(family);
  }
}
