/**
 * Which URLs the poller may fetch. Pure: it classifies *literal* hosts (IP addresses and the names that
 * always mean this machine or the local network). A hostname that resolves to a private address can only
 * be caught where DNS is resolved (the Node platform's connect hook); this helper is the first gate.
 *
 * Parsing and the special-purpose ranges come from ipaddr.js (no dependencies, no Node APIs, runs in
 * Workers); which range may be fetched, and the IPv4 addresses that IPv6 forms carry, are decided here.
 */
import ipaddr from 'ipaddr.js';

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

type Ipv4 = ipaddr.IPv4;
type Ipv6 = ipaddr.IPv6;

type ScopeTable = Readonly<Record<string, HostScope>>;

/** Range names (ipaddr.js's special-purpose ranges, RFC 6890 and successors) both families use alike. */
const SHARED_SCOPES: ScopeTable = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  multicast: 'multicast',
  unicast: 'public',
  amt: 'public', // globally reachable relays (RFC 7450)
};

/** Unlisted IPv4: IETF assignments, documentation, benchmarking, 6to4 relay anycast, 240/4, broadcast. */
const IPV4_SCOPES: ScopeTable = {
  ...SHARED_SCOPES,
  private: 'private',
  carrierGradeNat: 'private',
  as112: 'public', // globally reachable anycast (RFC 7534)
};

/**
 * Unlisted IPv6: Teredo hides its IPv4 address XOR-ed, 100::/64 is discard-only; documentation
 * (2001:db8::/32, 3fff::/20), benchmarking, ORCHID, segment routing SIDs and the rest of 2001::/23: no
 * feed host. The ranges that carry an IPv4 address are decided in `ipv6Scope`.
 */
const IPV6_SCOPES: ScopeTable = {
  ...SHARED_SCOPES,
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  as112v6: 'public',
};

/** The scope a table gives an address's range; any range it does not list is reserved. */
const scopeIn = (table: ScopeTable, range: string): HostScope =>
  Object.hasOwn(table, range) ? (table[range] as HostScope) : 'reserved';

/** Where an IPv4 address leads. */
function ipv4Scope(address: Ipv4): HostScope {
  return scopeIn(IPV4_SCOPES, address.range() as string);
}

const ipv4From = (high: number, low: number): Ipv4 =>
  new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

function ipv6Scope(address: Ipv6): HostScope {
  const g = address.parts;
  const embedded = () => ipv4Scope(ipv4From(g[6] ?? 0, g[7] ?? 0));
  switch (address.range() as string) {
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d, RFC 2765) carry an IPv4 address
    case 'ipv4Mapped':
    case 'rfc6145':
      return embedded();
    // NAT64 64:ff9b::/96 translates to the IPv4 address it carries; local-use 64:ff9b:1::/48 to any
    case 'rfc6052':
      return g[2] === 0 ? embedded() : 'reserved';
    // 6to4 (2002:a.b.c.d::/48) routes to the IPv4 address in groups 1-2 through a relay
    case '6to4':
      return ipv4Scope(ipv4From(g[1] ?? 0, g[2] ?? 0));
  }
  const scope = scopeIn(IPV6_SCOPES, address.range() as string);
  // IPv4-compatible (::a.b.c.d, deprecated) still reaches the IPv4 address
  return scope === 'public' && g.slice(0, 6).every((x) => x === 0) ? embedded() : scope;
}

/** A literal of one address family, or null. */
function parseLiteral<T>(
  family: { isValid(s: string): boolean; parse(s: string): T },
  host: string,
): T | null {
  if (!family.isValid(host)) return null;
  try {
    return family.parse(host);
  } catch {
    return null;
  }
}

/**
 * `010.0.0.1` is 8.0.0.1 to inet_aton and the URL parser but 10.0.0.1 to a decimal reader: a dotted
 * quad with leading zeros is refused when either reading is not public.
 */
function ipv4HostScope(host: string, address: Ipv4): HostScope {
  const scope = ipv4Scope(address);
  if (scope !== 'public' || !/^\d+\.\d+\.\d+\.\d+$/.test(host)) return scope;
  const decimal = host.split('.').map(Number);
  return decimal.every((n) => n <= 255) ? ipv4Scope(new ipaddr.IPv4(decimal)) : scope;
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

  // IPv4 in any form inet_aton reads (dotted decimal, octal, hex, fewer than four parts)
  const v4 = parseLiteral(ipaddr.IPv4, host);
  if (v4) return { kind: 'ipv4', scope: ipv4HostScope(host, v4) };
  if (host.includes(':')) {
    const v6 = parseLiteral(ipaddr.IPv6, host);
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
