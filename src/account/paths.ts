import type { AppContext } from '../context.js';

/**
 * Where a page of the account area lives, below `{issuer}/account`. `sub` is '' (the overview) or a
 * path such as '/password'; only such plain paths are ever sent back to after a sign-in.
 */
const SUB_PATH = /^(\/[a-z0-9-]+){0,4}$/;

export function isAccountSubPath(sub: string): boolean {
  return SUB_PATH.test(sub);
}

/** Absolute path for forms and links, e.g. /id/account/password. */
export function accountPath(ctx: Pick<AppContext, 'config'>, sub = ''): string {
  return `${ctx.config.issuerPath}/account${sub}`;
}

/** Full URL for redirects, e.g. https://erp.example.com/id/account. */
export function accountUrl(ctx: Pick<AppContext, 'config'>, sub = ''): string {
  return `${ctx.config.issuer}/account${sub}`;
}
