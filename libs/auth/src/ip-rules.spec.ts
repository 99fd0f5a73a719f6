import { IpRules } from './ip-rules';

describe('IpRules', () => {
  const rules = IpRules.parse(['10.0.0.0/8', ' 192.168.1.5 ', '172.16.0.1-172.16.0.9', 'fd00::/8', '']);

  it('matches addresses, CIDR ranges and address ranges', () => {
    expect(rules.matches('10.1.2.3')).toBe(true);
    expect(rules.matches('192.168.1.5')).toBe(true);
    expect(rules.matches('192.168.1.6')).toBe(false);
    expect(rules.matches('172.16.0.5')).toBe(true);
    expect(rules.matches('172.16.0.10')).toBe(false);
    expect(rules.matches('fd12::1')).toBe(true);
    expect(rules.matches('2001:db8::1')).toBe(false);
  });

  it('reads an IPv4 peer on a dual-stack socket as IPv4', () => {
    expect(rules.matches('::ffff:10.9.9.9')).toBe(true);
  });

  it('never matches garbage, and an empty set matches nothing', () => {
    expect(rules.matches('not-an-ip')).toBe(false);
    expect(rules.matches(undefined)).toBe(false);
    expect(IpRules.parse([]).matches('127.0.0.1')).toBe(false);
    expect(rules.rules).toEqual(['10.0.0.0/8', '192.168.1.5', '172.16.0.1-172.16.0.9', 'fd00::/8']);
  });

  it('names the invalid rule', () => {
    expect(() => IpRules.parse(['10.0.0.0/33'])).toThrow('10.0.0.0/33: invalid prefix length');
    expect(IpRules.problemWith('example.com')).toMatch(/not an IP address/);
    expect(IpRules.problemWith('10.0.0.9-10.0.0.1')).toMatch(/ends before/);
    expect(IpRules.problemWith('10.0.0.1-::1')).toMatch(/same family/);
  });
});
