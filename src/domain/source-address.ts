import ipaddr from 'ipaddr.js';

/**
 * The source an attempt is counted against: the client's IPv4 address, or the /64 network of an IPv6
 * address (one subscriber usually holds a whole /64, so counting single IPv6 addresses would let one
 * client rotate through billions of them). IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function throttleSource(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
