/**
 * Which hosts a replaying agent may reach: loopback always (test servers, local model gateways), plus the
 * config's `allowHosts`: exact names, `*.example.com` for any subdomain, `host:port` for one port.
 */
export function createHostAllowlist(allowHosts: readonly string[] = []): (host: string, port?: number) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allowHosts) {
    const pattern = entry.trim().toLowerCase();
    if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1));
    else if (pattern) exact.add(pattern);
  }
  return (rawHost: string, port?: number): boolean => {
    const host = normalizeHost(rawHost);
    if (isLoopback(host)) return true;
    if (exact.has(host) || (port !== undefined && exact.has(`${host}:${port}`))) return true;
    return suffixes.some((suffix) => host.endsWith(suffix));
  };
}

export function isLoopback(host: string): boolean {
  const h = normalizeHost(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.startsWith('::ffff:127.');
}

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
