import type { Kysely, Selectable } from 'kysely';
import type { Database, InteractionsTable } from './schema.js';
import type { AuthorizationRequest, Interaction } from '../../domain/interaction.js';
import type { InteractionsStore } from '../interactions.js';
import { affected } from './atomic.js';
import { isStorableText } from '../../domain/text.js';

/** Pending sign-ins (the authorization request waiting for login / consent). */
export class KyselyInteractionsStore implements InteractionsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(interaction: Interaction): Promise<void> {
    await this.db.insertInto('interactions').values(fromInteraction(interaction)).execute();
  }

  async get(id: string): Promise<Interaction | undefined> {
    if (!isStorableText(id)) return undefined;
    const row = await this.db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toInteraction(row) : undefined;
  }

  /** Whether a live interaction is bound to this browser (uses interactions_browser_idx). */
  async isBrowserBound(browserHash: string, now: number): Promise<boolean> {
    if (!isStorableText(browserHash)) return false;
    const row = await this.db
      .selectFrom('interactions')
      .select('id')
      .where('browser_hash', '=', browserHash)
      .where('expires_at', '>', now)
      .where('completed_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Records who signed in during the interaction and the sid of their session; false once it is completed. */
  async setUser(id: string, userId: string, sessionSid: string): Promise<boolean> {
    const result = await this.db
      .updateTable('interactions')
      .set({ user_id: userId, session_sid: sessionSid })
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  /**
   * Records that `userId` passed the factors in `amr` and a further factor is due (or clears it with
   * null); false once the interaction is completed.
   */
  async setPending(id: string, pending: { userId: string; amr: string[] } | null): Promise<boolean> {
    const result = await this.db
      .updateTable('interactions')
      .set({ pending_user_id: pending?.userId ?? null, pending_amr: pending ? JSON.stringify(pending.amr) : null })
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  /** Atomic single use: true for exactly one caller. */
  async complete(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('interactions')
      .set({ completed_at: now })
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return affected(result) === 1;
  }

  /** Removes interactions that expired before `before` (bounded batch). */
  async pruneExpired(before: number, limit = 1000): Promise<number> {
    const doomed = this.db.selectFrom('interactions').select('id').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('interactions').where('id', 'in', doomed).executeTakeFirst();
    return affected(result);
  }
}

function toInteraction(row: Selectable<InteractionsTable>): Interaction {
  return {
    id: row.id,
    browserHash: row.browser_hash,
    csrfHash: row.csrf_hash,
    clientId: row.client_id,
    request: JSON.parse(row.request) as AuthorizationRequest,
    userId: row.user_id,
    sessionSid: row.session_sid,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    pendingUserId: row.pending_user_id,
    pendingAmr: row.pending_amr === null ? null : (JSON.parse(row.pending_amr) as string[]),
  };
}

function fromInteraction(interaction: Interaction): InteractionsTable {
  return {
    id: interaction.id,
    browser_hash: interaction.browserHash,
    csrf_hash: interaction.csrfHash,
    client_id: interaction.clientId,
    request: JSON.stringify(interaction.request),
    user_id: interaction.userId,
    session_sid: interaction.sessionSid,
    created_at: interaction.createdAt,
    expires_at: interaction.expiresAt,
    completed_at: interaction.completedAt,
    pending_user_id: interaction.pendingUserId,
    pending_amr: interaction.pendingAmr === null ? null : JSON.stringify(interaction.pendingAmr),
  };
}
