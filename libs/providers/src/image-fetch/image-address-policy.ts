import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Where the image fetcher may connect: how a host name resolves, and whether an address
 * it resolved to may be reached. Injectable so tests can point a name at a local server.
 */
export interface ImageAddressPolicy {
  resolve(hostname: string): Promise<ResolvedAddress[]>;
  allows(hostname: string, address: string): boolean;
}

/**
 * Addresses no client-supplied URL may reach: this host, private networks, link-local
 * (cloud metadata at 169.254.169.254 and fd00:ec2::254 included), CGNAT, multicast,
 * reserved and documentation ranges.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Whether an IP address is on the public internet (an IPv4-mapped IPv6 address is judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = MAPPED_IPV4.exec(bare);
  if (mapped) return isPublicAddress(mapped[1]);
  const family = isIP(bare);
  if (family === 0) return false;
  return !NON_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** Production: the system resolver, public addresses only. */
export const PUBLIC_ADDRESSES_ONLY: ImageAddressPolicy = {
  async resolve(hostname) {
    const family = isIP(hostname);
    if (family !== 0) return [{ address: hostname, family: family as 4 | 6 }];
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
  },
  allows: (_hostname, address) => isPublicAddress(address),
};

/**
 * For tests only: `host=address` pairs (comma-separated) that resolve to that address and
 * may reach it though it is not public; every other host is judged as in production.
 */
export function testHostsPolicy(pairs: string): ImageAddressPolicy {
  const hosts = new Map<string, string>();
  for (const pair of pairs.split(',')) {
    const [host, address] = pair.split('=').map((part) => part.trim());
    if (host && address && isIP(address) !== 0) hosts.set(host.toLowerCase(), address);
  }
  return {
    async resolve(hostname) {
      const address = hosts.get(hostname.toLowerCase());
      return address ? [{ address, family: isIP(address) === 6 ? 6 : 4 }] : PUBLIC_ADDRESSES_ONLY.resolve(hostname);
    },
    allows: (hostname, address) =>
      hosts.get(hostname.toLowerCase()) === address || PUBLIC_ADDRESSES_ONLY.allows(hostname, address),
  };
}
