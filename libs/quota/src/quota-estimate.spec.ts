import { DEFAULT_OUTPUT_ESTIMATE, estimateUsage } from './quota-estimate';

describe('estimateUsage', () => {
  const body = { messages: [{ role: 'user', content: 'x'.repeat(396) }] };
  const inputTokens = Math.ceil(JSON.stringify(body).length / 4);

  it('reserves the body length / 4 as input and max output tokens as output', () => {
    expect(estimateUsage({ body, maxOutputTokens: 1000 })).toEqual({ tokens: inputTokens + 1000, cost: 0 });
  });

  it('reserves a default output when the client sets no max tokens', () => {
    expect(estimateUsage({ body }).tokens).toBe(inputTokens + DEFAULT_OUTPUT_ESTIMATE);
    expect(estimateUsage({ body, maxOutputTokens: 0 }).tokens).toBe(inputTokens + DEFAULT_OUTPUT_ESTIMATE);
  });

  it('prices the estimate on the target, with its discount', () => {
    const pricing = { source: 'simple' as const, input: 0, output: 10 };
    expect(estimateUsage({ body, maxOutputTokens: 1000, pricing }).cost).toBe(0.01);
    expect(estimateUsage({ body, maxOutputTokens: 1000, pricing, providerDiscount: 0.5 }).cost).toBe(0.005);
    expect(estimateUsage({ body, maxOutputTokens: 1000, pricing: { source: 'per_request', amount: 0.02 } }).cost).toBe(
      0.02,
    );
  });
});
