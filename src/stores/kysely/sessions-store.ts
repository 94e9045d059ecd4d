import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from './schema.js';
import type { Session } from '../../domain/session.js';
import type { SessionRenewal, SessionsStore } from '../sessions.js';
import type { Dialect } from '../store-ports.js';
import { affected, atomic } from './atomic.js';
import { isStorableText } from '../../domain/text.js';
import { appendRevocationEvents, untilForIssuedBefore } from './revocation-events-store.js';
import { Precompiled } from './precompiled.js';

const sessionByHash = new Precompiled((db, p: { idHash: string }) => db.selectFrom('sessions').selectAll().where('id_hash', '=', p.idHash));
const touchSession = new Precompiled((db, p: { idHash: string; now: number }) =>
  db.updateTable('sessions').set({ last_seen_at: p.now }).where('id_hash', '=', p.idHash).where('ended_at', 'is', null),
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
