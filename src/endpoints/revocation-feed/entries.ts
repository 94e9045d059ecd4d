import type { StoredRevocationEvent } from '../../domain/revocation-event.js';

export const REVOCATION_FEED_TYP = 'revocation-feed+jwt';

/**
 * An entry as the feed publishes it. Times are epoch seconds. `at` for sid/sub/client: refuse the tokens
 * whose `iat` is before it (a token issued in the same second as the change counts as before it).
 */
export function feedEntry(event: StoredRevocationEvent): { type: string; value: string; at: number; until: number } {
  return {
    type: event.type,
    value: event.value,
    at: Math.floor(event.at / 1000) + 1,
    until: Math.ceil(event.until / 1000),
  };
}
