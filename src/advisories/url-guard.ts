/**
 * Which URLs the poller may fetch. Pure: it classifies *literal* hosts (IP addresses and the names that
 * always mean this machine or the local network). A hostname that resolves to a private address can only
 * be caught where DNS is resolved (the Node platform's connect hook); this helper is the first gate.
 */

export type HostScope =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

export interface HostClass {
  kind: 'ipv4' | 'ipv6' | 'name';
  scope: HostScope;
}

/** A guard decides whether one URL (each redirect hop included) may be fetched. */
export type UrlGuard = (url: URL) => boolean;

function parseIpv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function ipv4Scope(o: number[]): HostScope {
  const [a = 0, b = 0, c = 0] = o;
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // shared address space (CGNAT)
  if (a === 169 && b === 254) return 'link-local';
  if (a === 192 && b === 0 && c === 0) return 'reserved'; // IETF protocol assignments
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking (198.18.0.0/15)
  // documentation: TEST-NET-1, -2 and -3
  if (
    (a === 192 && b === 0 && c === 2) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  )
    return 'reserved';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved'; // includes 255.255.255.255
  return 'public';
}

/** Parses an IPv6 literal (no brackets, no zone) into 8 groups, or null. */
function parseIpv6(host: string): number[] | null {
  let text = host;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    const prefix = text.slice(0, lastColon + 1);
    text = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  const head = toGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...head, ...new Array(8 - known).fill(0), ...rest, ...tail];
  }
  return known === 8 ? [...head, ...tail] : null;
}

function ipv6Scope(g: number[]): HostScope {
  const first = g[0] ?? 0;
  const allZeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUntil(8)) return 'unspecified';
  if (allZeroUntil(7) && g[7] === 1) return 'loopback';
  const embeddedV4 = (): number[] => [
    (g[6] ?? 0) >> 8,
    (g[6] ?? 0) & 0xff,
    (g[7] ?? 0) >> 8,
    (g[7] ?? 0) & 0xff,
  ];
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address
  if (allZeroUntil(5) && g[5] === 0xffff) return ipv4Scope(embeddedV4());
  // IPv4-translated (::ffff:0:a.b.c.d, RFC 2765)
  if (allZeroUntil(4) && g[4] === 0xffff && g[5] === 0) return ipv4Scope(embeddedV4());
  if (allZeroUntil(6)) return ipv4Scope(embeddedV4());
  if (first === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return ipv4Scope(embeddedV4());
  // 6to4 (2002:a.b.c.d::/48) routes to the IPv4 address in groups 1-2 through a relay.
  if (first === 0x2002) {
    return ipv4Scope([(g[1] ?? 0) >> 8, (g[1] ?? 0) & 0xff, (g[2] ?? 0) >> 8, (g[2] ?? 0) & 0xff]);
  }
  // Teredo (2001::/32) hides its IPv4 address XOR-ed, local-use NAT64 (64:ff9b:1::/48) translates to any,
  // and 100::/64 is discard-only: none is a feed host.
  if (first === 0x2001 && g[1] === 0) return 'reserved';
  if (first === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'reserved';
  if (first === 0x100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved';
  if ((first & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((first & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if (first === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  return 'public';
}

/**
 * Classifies a host as it appears in `URL.hostname` (IPv6 in brackets or not). Note that the WHATWG URL
 * parser already turns `http://2130706433/` or `http://0x7f.1/` into `127.0.0.1`.
 */
export function classifyHost(hostname: string): HostClass {
  let host = hostname.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const zone = host.indexOf('%');
  if (zone !== -1) host = host.slice(0, zone);
  while (host.endsWith('.')) host = host.slice(0, -1);

  const v4 = parseIpv4(host);
  if (v4) return { kind: 'ipv4', scope: ipv4Scope(v4) };
  if (host.includes(':')) {
    const v6 = parseIpv6(host);
    return { kind: 'ipv6', scope: v6 ? ipv6Scope(v6) : 'reserved' };
  }
  if (host === '') return { kind: 'name', scope: 'unspecified' };
  if (host === 'localhost' || host.endsWith('.localhost') || host === 'localhost.localdomain') {
    return { kind: 'name', scope: 'loopback' };
  }
  if (host.endsWith('.local')) return { kind: 'name', scope: 'link-local' };
  if (host.endsWith('.internal') || host.endsWith('.home.arpa') || !host.includes('.')) {
    // single-label names only resolve through local search domains
    return { kind: 'name', scope: 'private' };
  }
  return { kind: 'name', scope: 'public' };
}

/** True for loopback, private, link-local, unique-local, unspecified, multicast and reserved hosts. */
export function isPrivateHost(hostname: string): boolean {
  return classifyHost(hostname).scope !== 'public';
}

export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The default guard: http(s) to public hosts only, no credentials in the URL. */
export const publicHttpOnly: UrlGuard = (url) =>
  isHttpUrl(url) && url.username === '' && url.password === '' && !isPrivateHost(url.hostname);

/** A guard for tests and for deployments configured to reach private addresses: any http(s) URL. */
export const anyHttpUrl: UrlGuard = (url) => isHttpUrl(url);
