import { QuotaSelector } from './quota.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

describe('QuotaSelector', () => {
  const selector = new QuotaSelector();

  afterEach(() => jest.restoreAllMocks());

  it('is registered as quota', () => {
    expect(selector.name).toBe('quota');
  });

  it('returns a permutation of its input without mutating it', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(3));
    const input = [target('a'), target('b'), target('c'), target('d'), target('e')];
    for (let i = 0; i < 50; i++) {
      const ordered = selector.order(input);
      expect(ordered).toHaveLength(input.length);
      expect(new Set(ordered)).toEqual(new Set(input));
    }
    expect(names(input)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(selector.order([])).toEqual([]);
  });

  it('orders like random until provider quota meters exist', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(11));
    const targets = [target('a'), target('b'), target('c')];
    const runs = 2000;
    const counts = firstPlaces(runs, () => selector.order(targets));
    expect(counts.size).toBe(3);
    for (const count of counts.values()) {
      expect(Math.abs(count / runs - 1 / 3)).toBeLessThanOrEqual(0.05);
    }
  });
});
