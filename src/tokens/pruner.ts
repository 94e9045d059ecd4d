import type { AppContext } from '../context.js';
import { startPeriodicTask } from '../stores/periodic-task.js';

const EVERY_MS = 5 * 60_000;
const BATCH = 500;
/** consumed codes are kept an hour past expiry so that a late replay still revokes what they issued */
const CODE_REPLAY_WINDOW_MS = 60 * 60_000;

/**
 * Removes expired codes, deny-list entries, dead refresh families, revocation-feed entries past their `until` and used client-assertion jtis in bounded batches, on an unref'd
 * timer (each node prunes; the deletes are idempotent). Returns a function that stops it.
 */
export function startPruning(ctx: AppContext): () => void {
  return startPeriodicTask(ctx, 'pruning expired token records', EVERY_MS, () => pruneOnce(ctx));
}

export async function pruneOnce(ctx: AppContext): Promise<{ codes: number; revoked: number; families: number; revocationEvents: number; assertions: number; pushed: number }> {
  const now = ctx.now();
  const codes = await ctx.store.codes.pruneExpired(now - CODE_REPLAY_WINDOW_MS, BATCH);
  const revoked = await ctx.store.revokedTokens.pruneExpired(now, BATCH);
  const families = await ctx.store.refresh.pruneExpired(now, BATCH);
  const revocationEvents = await ctx.store.revocationEvents.pruneExpired(now, BATCH);
  const assertions = await ctx.store.clientAssertions.pruneExpired(now, BATCH);
  const pushed = (await ctx.store.pushedRequests.pruneExpired(now, BATCH)) + (await ctx.store.dpopProofs.pruneExpired(now, BATCH));
  if (codes + revoked + families + revocationEvents + assertions + pushed > 0) {
    ctx.log.debug({ codes, revoked, families, revocationEvents, assertions, pushed }, 'pruned expired token records');
  }
  return { codes, revoked, families, revocationEvents, assertions, pushed };
}
