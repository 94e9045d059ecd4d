import proxyAddr from '@fastify/proxy-addr';
import { ConfigError } from './config-error.js';

const HELP =
  'TRUST_PROXY must be false, the number of reverse proxies in front of Trustgate (e.g. 1 for one nginx), ' +
  'or a comma-separated list of their addresses or CIDR ranges (e.g. 10.0.0.5,192.168.0.0/16)';

/**
 * TRUST_PROXY: which peers are reverse proxies whose X-Forwarded-For is believed, with the semantics of
 * Fastify's trustProxy (proxy-addr). Only those hops are skipped; a client that sends its own
 * X-Forwarded-For through them cannot choose the address Trustgate sees.
 * - unset, `false`, `0`: no proxy; the peer address is the client.
 * - a number n: trust the n hops nearest to Trustgate.
 * - `true`: kept for existing set-ups, and read as 1 (one proxy). Trusting every hop, as Fastify's
 *   `true` would, lets any client pick its address with a forged header, so it is never done.
 * - addresses / CIDR ranges: trust exactly those peers.
 */
export function parseTrustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || /^(false|no|off|0)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', `${HELP}; ${hops} hops is more than any real chain of proxies.`);
    return hops;
  }
  const list = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch {
    throw new ConfigError('TRUST_PROXY', `${HELP}; got "${value}".`);
  }
  return list;
}
