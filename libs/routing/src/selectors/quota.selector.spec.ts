import type { ProviderHeadroom, ProviderQuotaView } from '../provider-quota';
import { QuotaSelector } from './quota.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

class FakeQuota implements ProviderQuotaView {
  constructor(private readonly headrooms: Record<string, ProviderHeadroom>) {}

  exhaustedUntil(): null {
    return null;
  }

  headroom(provider: string): ProviderHeadroom | null {
    return this.headrooms[provider] ?? null;
  }
}

describe('QuotaSelector', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is registered as quota', () => {
    expect(new QuotaSelector().name).toBe('quota');
  });

  it('ranks expiring quota before balances, most headroom first, ties in declared order', () => {
    const selector = new QuotaSelector(
      new FakeQuota({
        balanceRich: { category: 'balance', score: 0.9 },
        expiringLow: { category: 'expiring', score: 0.05 },
        expiringHigh: { category: 'expiring', score: 0.4 },
        tieFirst: { category: 'balance', score: 0.5 },
        tieSecond: { category: 'balance', score: 0.5 },
      }),
    );
    const input = [
      target('tieFirst'),
      target('balanceRich'),
      target('expiringLow'),
      target('tieSecond'),
      target('expiringHigh'),
    ];
    expect(names(selector.order(input))).toEqual([
      'expiringHigh',
      'expiringLow',
      'balanceRich',
      'tieFirst',
      'tieSecond',
    ]);
    expect(names(input)).toEqual(['tieFirst', 'balanceRich', 'expiringLow', 'tieSecond', 'expiringHigh']);
  });

  it('puts targets without meter readings last, in random order', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(5));
    const selector = new QuotaSelector(new FakeQuota({ metered: { category: 'balance', score: 0.01 } }));
    const input = [target('x'), target('y'), target('metered'), target('z')];
    const lasts = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const ordered = names(selector.order(input));
      expect(ordered[0]).toBe('metered');
      lasts.add(ordered[3] ?? '');
    }
    expect(lasts.size).toBeGreaterThan(1);
  });

  it('orders like random without any meters', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(11));
    const selector = new QuotaSelector();
    const targets = [target('a'), target('b'), target('c')];
    expect(selector.order([])).toEqual([]);
    const runs = 2000;
    const counts = firstPlaces(runs, () => selector.order(targets));
    expect(counts.size).toBe(3);
    for (const count of counts.values()) expect(Math.abs(count / runs - 1 / 3)).toBeLessThanOrEqual(0.05);
  });
});
