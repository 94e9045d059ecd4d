import type { AppContext } from '../context.js';
import { accountApp, consoleApp } from '../domain/built-in-apps.js';

/**
 * Registers the built-in apps, the account app and the console (creates each, or brings it up to date with this node's ISSUER_URL and
 * INSTANCE_NAME). Every node does this at start-up; it is one idempotent upsert, so nodes starting at
 * once all succeed.
 */
export async function registerAccountApp(ctx: Pick<AppContext, 'store' | 'config' | 'now' | 'log' | 'clients'>): Promise<void> {
  // the account app and the admin console (src/admin-console/)
  for (const app of [accountApp(ctx.config, ctx.now()), consoleApp(ctx.config, ctx.now())]) {
    if (await ctx.store.apps.upsert(app)) {
      ctx.clients.invalidate(app.clientId);
      ctx.log.info({ event: 'built_in_app_registered', clientId: app.clientId }, 'built-in app registered');
    }
  }
}
