import type { AppContext } from '../context.js';
import { startPeriodicTask } from '../stores/periodic-task.js';

const EVERY_MS = 5 * 60_000;
const BATCH = 500;

/** Removes dead sessions, expired interactions, stale throttle counters and expired passkey challenges in bounded batches. */
export async function pruneSignInRecords(ctx: AppContext): Promise<{ sessions: number; interactions: number; throttles: number; challenges: number }> {
  const now = ctx.now();
  const sessions = await ctx.store.sessions.pruneExpired(now, ctx.config.sessionIdleLifetimeSeconds * 1000, BATCH);
  const interactions = await ctx.store.interactions.pruneExpired(now, BATCH);
  // a throttle counter untouched for a whole window counts nothing any more
  const throttles = await ctx.store.throttles.pruneStale(now - ctx.config.throttle.windowMs, BATCH);
  const challenges = await ctx.store.passkeys.pruneChallenges(now, BATCH);
  if (sessions + interactions + throttles + challenges > 0) {
    ctx.log.debug({ sessions, interactions, throttles, challenges }, 'pruned expired sign-in records');
  }
  return { sessions, interactions, throttles, challenges };
}

/** Prunes on an unref'd timer (every node does; the deletes are idempotent). Returns a stop function. */
export function startSignInPruning(ctx: AppContext): () => void {
  return startPeriodicTask(ctx, 'pruning expired sign-in records', EVERY_MS, () => pruneSignInRecords(ctx));
}
