import type { AppContext } from '../context.js';
import { startPeriodicTask } from '../stores/periodic-task.js';

const EVERY_MS = 5 * 60_000;
const BATCH = 1000;
/** batches per run and concern, so that one run never holds the database for long */
const MAX_BATCHES = 20;
/** how many failed or refused events each app's failure trail keeps (newest first) */
export const FAILURE_TRAIL_KEEP_PER_APP = 2000;

/**
 * One pruning pass: events older than AUDIT_RETENTION_DAYS, then each app's failure trail beyond its
 * newest FAILURE_TRAIL_KEEP_PER_APP events, in batches. Returns how many were removed.
 */
export async function pruneAuditEvents(ctx: Pick<AppContext, 'store' | 'config' | 'now'>): Promise<number> {
  const cutoff = ctx.now() - ctx.config.auditRetentionDays * 86_400_000;
  let removed = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const batch = await ctx.store.auditEvents.pruneBefore(cutoff, BATCH);
    removed += batch;
    if (batch < BATCH) break;
  }
  for (const app of await ctx.store.apps.list()) {
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await ctx.store.auditEvents.pruneFailuresBeyond(app.clientId, FAILURE_TRAIL_KEEP_PER_APP, BATCH);
      removed += batch;
      if (batch < BATCH) break;
    }
  }
  return removed;
}

/** Prunes the audit trail every five minutes on every node (idempotent). Returns a stop function. */
export function startAuditPruning(ctx: AppContext): () => void {
  return startPeriodicTask(ctx, 'pruning the audit trail', EVERY_MS, async () => {
    const removed = await pruneAuditEvents(ctx);
    if (removed > 0) ctx.log.debug({ auditEvents: removed }, 'pruned the audit trail');
  });
}
