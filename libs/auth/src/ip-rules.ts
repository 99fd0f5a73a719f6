import { BlockList, isIP } from 'node:net';

/**
 * A set of IPv4/IPv6 addresses, CIDR ranges (`10.0.0.0/8`) and address ranges
 * (`10.0.0.1-10.0.0.9`), as the reference's `trustedProxies` and `allowedIps` accept them.
 */
export class IpRules {
  private constructor(
    private readonly list: BlockList,
    readonly rules: readonly string[],
  ) {}

  /** Throws an Error naming the first rule that is not an address, CIDR or range. */
  static parse(rules: readonly string[]): IpRules {
    const list = new BlockList();
    const kept: string[] = [];
    for (const raw of rules) {
      const rule = raw.trim();
      if (rule === '') continue;
      const problem = addRule(list, rule);
      if (problem) throw new Error(`${rule}: ${problem}`);
      kept.push(rule);
    }
    return new IpRules(list, kept);
  }

  /** The reason a rule is invalid, or null when it is valid. */
  static problemWith(rule: string): string | null {
    return addRule(new BlockList(), rule.trim());
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  matches(address: string | undefined | null): boolean {
    if (!address || this.rules.length === 0) return false;
    const normalised = normaliseAddress(address);
    const family = isIP(normalised);
    if (family === 0) return false;
    return this.list.check(normalised, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address.trim());
  return mapped?.[1] ?? address.trim();
}

function familyOf(address: string): 'ipv4' | 'ipv6' | null {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : null;
}

function addRule(list: BlockList, rule: string): string | null {
  if (rule === '') return 'empty rule';
  const slash = rule.indexOf('/');
  if (slash >= 0) {
    const network = normaliseAddress(rule.slice(0, slash));
    const family = familyOf(network);
    const prefixText = rule.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!family) return 'not an IP address';
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 'ipv4' ? 32 : 128)) return 'invalid prefix length';
    list.addSubnet(network, prefix, family);
    return null;
  }
  const dash = rule.indexOf('-');
  if (dash >= 0) {
    const start = normaliseAddress(rule.slice(0, dash));
    const end = normaliseAddress(rule.slice(dash + 1));
    const family = familyOf(start);
    if (!family || familyOf(end) !== family) return 'a range needs two addresses of the same family';
    try {
      list.addRange(start, end, family);
    } catch {
      return 'the range ends before it starts';
    }
    return null;
  }
  const address = normaliseAddress(rule);
  const family = familyOf(address);
  if (!family) return 'not an IP address, CIDR range or address range';
  list.addAddress(address, family);
  return null;
}
