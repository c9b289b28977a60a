import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Express's `trust proxy`: every hop (`true`), none (`false`), a hop count, or addresses. */
export type TrustProxy = boolean | number | string;

/** The most proxy hops production trusts: a CDN, a load balancer and an ingress are three. */
export const MAX_PROXY_HOPS_IN_PRODUCTION = 5;

/** proxy-addr's named ranges (loopback, link-local and unique-local addresses, IPv4 and IPv6). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

type Family = 'ipv4' | 'ipv6';

/** One address or subnet of the list, as proxy-addr reads it. */
interface Range {
  address: string;
  family: Family;
  prefix: number;
}

/** A range production takes however wide: IPv6 unique-local and link-local addresses are private. */
const PRIVATE_IPV6: readonly Omit<Range, 'family'>[] = [
  { address: 'fc00::', prefix: 7 },
  { address: 'fe80::', prefix: 10 },
];

/** How IPv4 clients of a server listening on `::` appear, and how proxy-addr matches them. */
const IPV4_MAPPED = { address: '::ffff:0:0', prefix: 96 };

/** The widest subnets production trusts: anyone inside one could forge X-Forwarded-For. */
const WIDEST_PREFIX: Record<Family, number> = { ipv4: 8, ipv6: 16 };

function inSubnet(address: string, subnet: Omit<Range, 'family'>, family: Family): boolean {
  const list = new BlockList();
  list.addSubnet(subnet.address, subnet.prefix, family);
  return list.check(address, family);
}

/** `255.255.0.0` → 16; `undefined` for a mask whose ones are not contiguous. */
function netmaskPrefix(mask: string): number | undefined {
  const bits = mask.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
  for (let prefix = 0; prefix <= 32; prefix++) {
    if (bits === 2 ** 32 - 2 ** (32 - prefix)) return prefix;
  }
  return undefined;
}

/** An entry as proxy-addr would compile it (address, address/prefix, IPv4/netmask), or undefined. */
function parseRange(entry: string): Range | undefined {
  const slash = entry.lastIndexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  // A zone (fe80::1%eth0) is not something a proxy list should depend on.
  const family = isIPv4(address)
    ? 'ipv4'
    : isIPv6(address) && !address.includes('%')
      ? 'ipv6'
      : undefined;
  if (family === undefined) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (slash === -1) return { address, family, prefix: max };
  const mask = entry.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(mask)
    ? Number(mask)
    : family === 'ipv4' && isIPv4(mask)
      ? netmaskPrefix(mask)
      : undefined;
  return prefix === undefined || prefix > max ? undefined : { address, family, prefix };
}

/**
 * The IPv4 prefix a range trusts when IPv4 clients arrive as `::ffff:a.b.c.d`: an IPv6 range that
 * holds every such address trusts all of IPv4 (`::/16` does), one inside them a part of it.
 */
function widthOf(range: Range): { family: Family; prefix: number } {
  if (range.family === 'ipv6') {
    if (range.prefix <= IPV4_MAPPED.prefix && inSubnet(IPV4_MAPPED.address, range, 'ipv6')) {
      return { family: 'ipv4', prefix: 0 };
    }
    if (range.prefix > IPV4_MAPPED.prefix && inSubnet(range.address, IPV4_MAPPED, 'ipv6')) {
      return { family: 'ipv4', prefix: range.prefix - IPV4_MAPPED.prefix };
    }
  }
  return range;
}

function tooWideForProduction(range: Range): boolean {
  const { family, prefix } = widthOf(range);
  if (prefix >= WIDEST_PREFIX[family]) return false;
  return !(
    family === 'ipv6' &&
    PRIVATE_IPV6.some((block) => prefix >= block.prefix && inSubnet(range.address, block, family))
  );
}

/** The entries of an address list, trimmed and lower-cased (proxy-addr's names are lower case). */
function entriesOf(value: string): string[] {
  return value.split(',').map((entry) => entry.trim().toLowerCase());
}

/**
 * Why `TRUST_PROXY` cannot be used, or undefined. Anywhere: a value Express cannot read (it would
 * throw at start-up, from deep inside proxy-addr). In production also: `true`, more than
 * {@link MAX_PROXY_HOPS_IN_PRODUCTION} hops, or a subnet wider than /8 (IPv4) or /16 (IPv6) outside
 * the private IPv6 ranges: each believes X-Forwarded-For from clients, and so their per-IP limits.
 */
export function trustProxyProblem(value: string, production: boolean): string | undefined {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'true') {
    return production
      ? 'TRUST_PROXY=true trusts any forged X-Forwarded-For: in production give the number of proxy hops or their addresses'
      : undefined;
  }
  if (trimmed === 'false' || trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return production && hops > MAX_PROXY_HOPS_IN_PRODUCTION
      ? `TRUST_PROXY=${hops} trusts ${hops} proxy hops: in production trust at most ${MAX_PROXY_HOPS_IN_PRODUCTION}, or name the proxies`
      : undefined;
  }
  for (const entry of entriesOf(trimmed)) {
    if (NAMED_RANGES.has(entry)) continue;
    const range = parseRange(entry);
    if (range === undefined) {
      return `TRUST_PROXY must be true, false, a number of proxy hops, or comma-separated addresses and subnets (or loopback, linklocal, uniquelocal): "${entry}" is none of these`;
    }
    if (production && tooWideForProduction(range)) {
      return `TRUST_PROXY ${entry} is wider than /8 (IPv4) or /16 (IPv6): anyone in it could forge X-Forwarded-For; in production name your proxies' addresses or subnets`;
    }
    if (range.prefix === 0) {
      return `TRUST_PROXY ${entry} is a /0 range, which Express does not take: set TRUST_PROXY=true to trust every proxy`;
    }
  }
  return undefined;
}

/** `TRUST_PROXY`, validated by {@link trustProxyProblem}, as Express's `trust proxy` takes it. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined) return false;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'true') return true;
  if (trimmed === 'false' || trimmed === '') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return entriesOf(trimmed).join(', ');
}
