import { RandomSelector } from './random.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

describe('RandomSelector', () => {
  const selector = new RandomSelector();

  afterEach(() => jest.restoreAllMocks());

  it('returns a permutation of its input without mutating it', () => {
    const input = [target('a'), target('b'), target('c'), target('d')];
    const ordered = selector.order(input);
    expect(names(ordered).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(names(input)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('spreads first places evenly over 2000 orderings (each within ±5 % of uniform)', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(42));
    const targets = [target('a'), target('b'), target('c'), target('d')];
    const runs = 2000;
    const counts = firstPlaces(runs, () => selector.order(targets));
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const count of counts.values()) {
      expect(Math.abs(count / runs - 1 / targets.length)).toBeLessThanOrEqual(0.05);
    }
  });
});
