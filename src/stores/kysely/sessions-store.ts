import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable, UsersTable } from './schema.js';
import type { Session } from '../../domain/session.js';
import type { SessionRenewal, SessionsStore, SessionWithUserAndConsent } from '../sessions.js';
import type { Dialect } from '../store-ports.js';
import { affected, atomic } from './atomic.js';
import { isStorableText } from '../../domain/text.js';
import { appendRevocationEvents, untilForIssuedBefore } from './revocation-events-store.js';
import { Precompiled } from './precompiled.js';
import { hasSecondFactor, toUser } from './users-store.js';

const sessionByHash = new Precompiled((db, p: { idHash: string }) => db.selectFrom('sessions').selectAll().where('id_hash', '=', p.idHash));
const touchSession = new Precompiled((db, p: { idHash: string; now: number }) =>
  db.updateTable('sessions').set({ last_seen_at: p.now }).where('id_hash', '=', p.idHash).where('ended_at', 'is', null),
);
// every authorization from an SSO session reads these three together (one round trip, not three); the
// session's created_at is renamed, since users has a column of that name (its other columns do not clash)
const sessionWithUserAndConsent = new Precompiled((db, p: { idHash: string; clientId: string }) =>
  db
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select([
      'sessions.id_hash', 'sessions.sid', 'sessions.user_id', 'sessions.auth_time', 'sessions.amr',
      'sessions.created_at as session_created_at', 'sessions.last_seen_at', 'sessions.expires_at', 'sessions.ended_at',
    ])
    .select((eb) => [
      hasSecondFactor(eb, 'users.id').as('has_second_factor'),
      eb
        .selectFrom('consents')
        .select('consents.scopes')
        .whereRef('consents.user_id', '=', 'sessions.user_id')
        .where('consents.client_id', '=', p.clientId)
        .as('consented_scopes'),
    ])
    .where('sessions.id_hash', '=', p.idHash),
);

/** SSO sessions, keyed by the SHA-256 of the cookie value; shared by every node. */
export class KyselySessionsStore implements SessionsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insert(session: Session): Promise<void> {
    await this.db.insertInto('sessions').values(fromSession(session)).execute();
  }

  async get(idHash: string): Promise<Session | undefined> {
    const row = await sessionByHash.first(this.db, { idHash });
    return row ? toSession(row) : undefined;
  }

  async getWithUserAndConsent(idHash: string, clientId: string): Promise<SessionWithUserAndConsent | undefined> {
    if (!isStorableText(idHash) || !isStorableText(clientId)) return undefined;
    const row = await sessionWithUserAndConsent.first(this.db, { idHash, clientId });
    if (!row) return undefined;
    const session = toSession({ ...row, created_at: row.session_created_at });
    const user = row.id === null ? undefined : toUser(row as Selectable<UsersTable> & { has_second_factor: unknown });
    const consentedScopes = row.consented_scopes === null ? [] : row.consented_scopes.split(' ').filter(Boolean);
    return { session, user, consentedScopes };
  }

  async getBySid(sid: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('sid', '=', sid).executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /** Slides the idle expiry; false when the session is gone or ended. */
  async touch(idHash: string, now: number): Promise<boolean> {
    return (await touchSession.affected(this.db, { idHash, now })) === 1;
  }

  /** The same user signed in again: the record moves to the new cookie hash in one statement, keeping its sid. */
  async renew(oldIdHash: string, userId: string, renewal: SessionRenewal): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({
        id_hash: renewal.idHash,
        auth_time: renewal.authTime,
        amr: JSON.stringify(renewal.amr),
        last_seen_at: renewal.now,
        expires_at: renewal.expiresAt,
      })
      .where('id_hash', '=', oldIdHash)
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  /** Starts `session` and ends the browser's previous one (if any), in one transaction. */
  async replace(previousIdHash: string | null, session: Session): Promise<void> {
    await atomic(this.db, async (trx) => {
      if (previousIdHash !== null) await new KyselySessionsStore(trx, this.dialect).end(previousIdHash, session.createdAt);
      await trx.insertInto('sessions').values(fromSession(session)).execute();
    });
  }

  async listByUser(userId: string, now: number, limit = 100): Promise<Session[]> {
    if (!isStorableText(userId)) return [];
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('sid')
      .limit(limit)
      .execute();
    return rows.map(toSession);
  }

  /** Ends a session (on logout with its revocation-feed entry: the tokens of its sid); true when this call ended it. */
  async end(idHash: string, now: number, options: { logout?: boolean } = {}): Promise<boolean> {
    if (!options.logout) {
      // one statement, no transaction (two SQLite connections in one process must never hold one open)
      const result = await this.db
        .updateTable('sessions')
        .set({ ended_at: now })
        .where('id_hash', '=', idHash)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return affected(result) === 1;
    }
    return atomic(this.db, async (trx) => {
      const ended = await trx
        .updateTable('sessions')
        .set({ ended_at: now })
        .where('id_hash', '=', idHash)
        .where('ended_at', 'is', null)
        .returning('sid')
        .executeTakeFirst();
      if (!ended) return false;
      await appendRevocationEvents(trx, this.dialect, [{ type: 'sid', value: ended.sid, at: now, until: await untilForIssuedBefore(trx, now) }]);
      return true;
    });
  }

  /** Removes sessions that ended, expired, or went idle longer than `idleMs`, before `before` (bounded batch). */
  async pruneExpired(before: number, idleMs: number, limit = 1000): Promise<number> {
    const doomed = this.db
      .selectFrom('sessions')
      .select('id_hash')
      .where((eb) =>
        eb.or([eb('expires_at', '<', before), eb('ended_at', '<', before), eb('last_seen_at', '<', before - idleMs)]),
      )
      .limit(limit);
    const result = await this.db.deleteFrom('sessions').where('id_hash', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    sid: row.sid,
    userId: row.user_id,
    authTime: Number(row.auth_time),
    amr: JSON.parse(row.amr) as string[],
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

function fromSession(session: Session): SessionsTable {
  return {
    id_hash: session.idHash,
    sid: session.sid,
    user_id: session.userId,
    auth_time: session.authTime,
    amr: JSON.stringify(session.amr),
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: session.expiresAt,
    ended_at: session.endedAt,
  };
}
