import { calculateCost, nominalCost } from './cost-calculator';

const tokens = { input: 1_000_000, output: 500_000, cached: 200_000, cacheWrite: 100_000 };

describe('calculateCost', () => {
  it('prices each bucket at its simple rate per million tokens', () => {
    expect(
      calculateCost({ tokens, pricing: { source: 'simple', input: 3, output: 15, cached: 0.3, cache_write: 3.75 } }),
    ).toEqual({
      input: 3,
      output: 7.5,
      cached: 0.06,
      cacheWrite: 0.375,
      total: 10.935,
      source: 'simple',
    });
  });

  it('applies the model discount, else the provider discount, to every bucket', () => {
    const pricing = { source: 'simple' as const, input: 2, output: 4 };
    expect(calculateCost({ tokens, pricing, providerDiscount: 0.5 }).total).toBe(2);
    expect(calculateCost({ tokens, pricing: { ...pricing, discount: 0.25 }, providerDiscount: 0.5 }).total).toBe(3);
  });

  it('picks the tier whose range holds the whole input, bounds inclusive', () => {
    const pricing = {
      source: 'defined' as const,
      range: [
        { lower_bound: 0, upper_bound: 200_000, input_per_m: 1, output_per_m: 2 },
        { lower_bound: 200_001, input_per_m: 2, output_per_m: 4 },
      ],
    };
    const small = { input: 150_000, output: 1_000_000, cached: 50_000, cacheWrite: 0 };
    expect(calculateCost({ tokens: small, pricing })).toMatchObject({ input: 0.15, output: 2, source: 'defined' });
    const large = { input: 150_001, output: 1_000_000, cached: 50_000, cacheWrite: 0 };
    expect(calculateCost({ tokens: large, pricing })).toMatchObject({ input: 0.300002, output: 4 });
  });

  it('reads OpenRouter per-token string rates', () => {
    expect(
      calculateCost({ tokens, pricing: { source: 'openrouter', prompt: '0.000003', completion: '0.000015' } }),
    ).toMatchObject({
      input: 3,
      output: 7.5,
      source: 'openrouter',
    });
  });

  it('charges a per-request amount once, without discount', () => {
    expect(
      calculateCost({ tokens, pricing: { source: 'per_request', amount: 0.02 }, providerDiscount: 0.5 }),
    ).toMatchObject({
      input: 0.02,
      total: 0.02,
      source: 'per_request',
    });
  });

  it('prefers the cost the provider reported', () => {
    expect(calculateCost({ tokens, pricing: { source: 'simple', input: 100 }, reportedCostUsd: 0.0123 })).toEqual({
      input: 0,
      output: 0,
      cached: 0,
      cacheWrite: 0,
      total: 0.0123,
      source: 'provider_reported',
    });
  });

  it('costs nothing, visibly, without pricing', () => {
    expect(calculateCost({ tokens })).toMatchObject({ total: 0, source: 'default' });
  });
});

describe('nominalCost', () => {
  it('prices 1000 input and 500 output tokens, and knows when it cannot', () => {
    expect(nominalCost({ source: 'simple', input: 2, output: 8 })).toBe(0.006);
    expect(nominalCost(undefined)).toBeNull();
  });
});
