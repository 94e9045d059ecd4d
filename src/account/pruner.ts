import type { AppContext } from '../context.js';
import { startPeriodicTask } from '../stores/periodic-task.js';

const EVERY_MS = 5 * 60_000;
const BATCH = 500;

/** Removes expired password-reset tokens (used or not) in bounded batches, on every node. Returns a stop function. */
export function startResetPruning(ctx: AppContext): () => void {
  return startPeriodicTask(ctx, 'pruning expired password resets', EVERY_MS, async () => {
    const removed = await ctx.store.passwordResets.pruneExpired(ctx.now(), BATCH);
    if (removed > 0) ctx.log.debug({ passwordResets: removed }, 'pruned expired password resets');
  });
}
