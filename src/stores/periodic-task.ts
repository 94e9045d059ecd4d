import type { AppContext } from '../context.js';

/**
 * Runs `task` every `everyMs` on an unref'd timer, never two runs at once; a failure is logged as a
 * warning naming `what`. Every node runs its own (store clean-ups are idempotent). Returns a stop function.
 */
export function startPeriodicTask(ctx: AppContext, what: string, everyMs: number, task: () => Promise<unknown>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((error: unknown) => ctx.log.warn({ err: error }, `${what} failed`))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
