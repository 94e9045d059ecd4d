import type { AppsStore } from '../stores/apps.js';

/** Extra time replaced keys stay published: nodes notice a rotation within seconds, verifiers cache JWKS for minutes. */
export const ROTATION_MARGIN_SECONDS = 600;
export const MIN_KEEP_PUBLISHED_SECONDS = 3600;

/**
 * How long keys replaced by a rotation stay published after they stop signing: the longest lifetime
 * of a token they may have signed (access and ID tokens live at most the longest access-token lifetime
 * of any app, counted as at least one hour), plus a margin.
 */
export async function keepPublishedSeconds(apps: Pick<AppsStore, 'longestAccessTokenLifetime'>): Promise<number> {
  const longest = Math.max(MIN_KEEP_PUBLISHED_SECONDS, (await apps.longestAccessTokenLifetime()) ?? 0);
  return longest + ROTATION_MARGIN_SECONDS;
}
