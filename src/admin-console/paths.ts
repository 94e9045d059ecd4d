import type { AppContext } from '../context.js';

/** Sub-paths of the console a sign-in may return to: '' (the start) or plain paths such as '/apps'. */
const SUB_PATH = /^(\/[A-Za-z0-9._~%-]+){0,4}$/;

export function isConsoleSubPath(sub: string): boolean {
  return sub.length <= 1000 && SUB_PATH.test(sub);
}

/** Absolute path for forms and links, e.g. /id/admin/apps. */
export function consolePath(ctx: Pick<AppContext, 'config'>, sub = ''): string {
  return `${ctx.config.issuerPath}/admin${sub}`;
}

/** Full URL for redirects. */
export function consoleUrl(ctx: Pick<AppContext, 'config'>, sub = ''): string {
  return `${ctx.config.issuer}/admin${sub}`;
}

/** An ApplicationUri or a login as one path segment. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
