/** Loopback hosts as they appear in URL.hostname (IPv6 keeps its brackets). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Loopback IP literals (not the name localhost), for the RFC 8252 7.3 any-port rule. */
export function isLoopbackIpLiteral(hostname: string): boolean {
  return hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
