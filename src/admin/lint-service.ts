import { notFound } from '../errors/admin-error.js';
import { lintApp, type LintWarning, type RecentUse } from '../checks/registration/app-lint.js';
import type { TrustedApplication } from '../domain/trusted-application.js';
import { isBuiltInClientId } from '../domain/built-in-apps.js';
import type { AdminDeps } from './admin-deps.js';

/** How far back the linter reads the audit trail for an app's sign-ins (capped by AUDIT_RETENTION_DAYS in effect). */
export const LINT_WINDOW_DAYS = 30;
/** At most this many recent sign-ins are read per app. */
const MAX_EVENTS = 5000;

export type { LintWarning };

/** `trustgate app lint`: registrations that work but are risky (the rules: checks/registration/app-lint.ts). */
export class LintService {
  constructor(private readonly deps: Pick<AdminDeps, 'store' | 'now' | 'config'>) {}

  /** Warnings for one app, or for every app an administrator registered (the built-in ones are Trustgate's). */
  async lint(clientId?: string): Promise<{ apps: number; warnings: LintWarning[] }> {
    let apps: TrustedApplication[];
    if (clientId !== undefined) {
      const app = await this.deps.store.apps.get(clientId);
      if (!app) throw notFound('app_not_found', `no app with ApplicationUri "${clientId}"`, ['clientId']);
      apps = [app];
    } else {
      apps = (await this.deps.store.apps.list()).filter((app) => !isBuiltInClientId(app.clientId));
    }
    const now = this.deps.now();
    const warnings: LintWarning[] = [];
    for (const app of apps) {
      const secrets = await this.deps.store.apps.listSecrets(app.clientId);
      warnings.push(...lintApp(app, secrets, { issuer: this.deps.config.issuer, now, recent: await this.recentUse(app.clientId, now) }));
    }
    return { apps: apps.length, warnings };
  }

  /** The app's sign-ins the audit trail knows of (its code_issued events); undefined when it knows none. */
  private async recentUse(clientId: string, now: number): Promise<RecentUse | undefined> {
    const recent: RecentUse = { days: LINT_WINDOW_DAYS, codes: 0, withoutPkce: 0, redirectUris: new Set() };
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.auditEvents.query({
        clientId,
        action: 'code_issued',
        since: now - LINT_WINDOW_DAYS * 86_400_000,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const event of page.events) {
        recent.codes++;
        if (event.details.pkce === false) recent.withoutPkce++;
        if (typeof event.details.redirectUri === 'string') recent.redirectUris.add(event.details.redirectUri);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor && recent.codes < MAX_EVENTS);
    return recent.codes > 0 ? recent : undefined;
  }
}
