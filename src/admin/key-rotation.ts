import type { AdminDeps } from './admin-deps.js';

/** Extra time old keys stay published: nodes notice a rotation within seconds, verifiers cache JWKS for minutes. */
export const ROTATION_MARGIN_SECONDS = 600;
export const MIN_KEEP_PUBLISHED_SECONDS = 3600;

/**
 * How long the keys a rotation retires must stay published: the longest lifetime of a token they may
 * have signed (access and ID tokens live at most the longest access-token lifetime of any app, at
 * least one hour), plus a margin.
 */
export async function keepPublishedSecondsAfterRotation(deps: Pick<AdminDeps, 'store'>): Promise<number> {
  const apps = await deps.store.apps.list();
  const longest = Math.max(MIN_KEEP_PUBLISHED_SECONDS, ...apps.map((app) => app.accessTokenLifetime));
  return longest + ROTATION_MARGIN_SECONDS;
}
