import type { Config } from '../config/config.js';

/** Where the pages' stylesheet is served: under the issuer's path. */
export function stylesheetPath(config: Pick<Config, 'issuerPath'>): string {
  return `${config.issuerPath}/assets/trustgate.css`;
}
