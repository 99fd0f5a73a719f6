import { CostSelector, simulatedCost } from './cost.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

const simple = (input: number, output: number) => ({ pricing: { source: 'simple', input, output } });

describe('simulatedCost', () => {
  it('prices 1000 input + 500 output tokens with simple per-million rates', () => {
    expect(simulatedCost({ source: 'simple', input: 3, output: 15, cached: 0.3, cache_write: 3.75 })).toBeCloseTo(
      0.0105,
    );
    expect(simulatedCost({ input: 2, output: 4 })).toBeCloseTo(0.004); // source omitted: simple
    expect(simulatedCost({ source: 'simple', input: 0, output: 0 })).toBe(0); // explicitly free is a price
  });

  it('uses the defined range that holds the simulated input', () => {
    const pricing = {
      source: 'defined',
      range: [
        { lower_bound: 0, upper_bound: 999, input_per_m: 100, output_per_m: 100 },
        { lower_bound: 1000, upper_bound: 200_000, input_per_m: 1, output_per_m: 2 },
        { lower_bound: 200_001, input_per_m: 50, output_per_m: 50 },
      ],
    };
    expect(simulatedCost(pricing)).toBeCloseTo(0.002);
    expect(
      simulatedCost({
        source: 'defined',
        range: [{ lower_bound: 0, upper_bound: 'Infinity', input_per_m: 1, output_per_m: 1 }],
      }),
    ).toBeCloseTo(0.0015);
    expect(
      simulatedCost({ source: 'defined', range: [{ lower_bound: 5000, input_per_m: 1, output_per_m: 1 }] }),
    ).toBeNull();
    expect(simulatedCost({ source: 'defined' })).toBeNull();
  });

  it('charges per_request pricing its amount, not zero, and ignores the discount for it', () => {
    expect(simulatedCost({ source: 'per_request', amount: 0.02 })).toBe(0.02);
    expect(simulatedCost({ source: 'per_request', amount: 0.02, discount: 0.5 })).toBe(0.02);
    expect(simulatedCost({ source: 'per_request' })).toBeNull();
  });

  it('uses openrouter per-token rates only when given inline', () => {
    expect(simulatedCost({ source: 'openrouter', prompt: '0.000003', completion: '0.000015' })).toBeCloseTo(0.0105);
    expect(simulatedCost({ source: 'openrouter', slug: 'anthropic/claude-sonnet-4.5' })).toBeNull();
  });

  it('applies a pricing-level discount', () => {
    expect(simulatedCost({ source: 'simple', input: 3, output: 15, discount: 0.1 })).toBeCloseTo(0.00945);
  });

  it('cannot tell the price of missing or malformed pricing', () => {
    expect(simulatedCost(undefined)).toBeNull();
    expect(simulatedCost('cheap')).toBeNull();
    expect(simulatedCost({ source: 'simple', input: 1 })).toBeNull();
    expect(simulatedCost({ source: 'simple', input: -1, output: 1 })).toBeNull();
    expect(simulatedCost({ source: 'simple', input: 'abc', output: 1 })).toBeNull();
    expect(simulatedCost({ source: 'mystery', input: 1, output: 1 })).toBeNull();
  });
});

describe('CostSelector', () => {
  const selector = new CostSelector();

  it('is registered as cost', () => {
    expect(selector.name).toBe('cost');
  });

  it('orders cheapest first', () => {
    const ordered = selector.order([
      target('pricey', 'm', simple(10, 30)),
      target('cheap', 'm', simple(0.1, 0.4)),
      target('flat', 'm', { pricing: { source: 'per_request', amount: 0.005 } }),
      target('mid', 'm', simple(1, 2)),
    ]);
    // cheap 0.0003, mid 0.002, flat 0.005, pricey 0.025
    expect(names(ordered)).toEqual(['cheap', 'mid', 'flat', 'pricey']);
  });

  it('puts unpriced targets last, not first, keeping declared order among equals', () => {
    const ordered = selector.order([
      target('unpriced-a'),
      target('same-1', 'm', simple(1, 1)),
      target('openrouter-catalog', 'm', { pricing: { source: 'openrouter', slug: 'x/y' } }),
      target('expensive', 'm', simple(5, 5)),
      target('same-2', 'm', simple(1, 1)),
      target('unpriced-b', 'm', { pricing: {} }),
      target('same-3', 'm', simple(1, 1)),
    ]);
    expect(names(ordered)).toEqual([
      'same-1',
      'same-2',
      'same-3',
      'expensive',
      'unpriced-a',
      'openrouter-catalog',
      'unpriced-b',
    ]);
  });

  it('keeps the declared order when nothing is priced, and copes with empty input', () => {
    expect(names(selector.order([target('a'), target('b'), target('c')]))).toEqual(['a', 'b', 'c']);
    expect(selector.order([])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const input = [target('b', 'm', simple(2, 2)), target('a', 'm', simple(1, 1))];
    selector.order(input);
    expect(names(input)).toEqual(['b', 'a']);
  });

  it('always picks the cheapest first, whatever the input order', () => {
    const random = jest.spyOn(Math, 'random').mockImplementation(seededRandom(7));
    try {
      const pool = [
        target('a', 'm', simple(3, 15)),
        target('b', 'm', simple(0.5, 1.5)),
        target('c'),
        target('d', 'm', { pricing: { source: 'per_request', amount: 0.01 } }),
        target('e', 'm', simple(0.15, 0.6)),
      ];
      const counts = firstPlaces(2000, () => {
        const shuffled = [...pool].sort(() => Math.random() - 0.5);
        return selector.order(shuffled);
      });
      expect(counts).toEqual(new Map([['e', 2000]]));
    } finally {
      random.mockRestore();
    }
  });
});
