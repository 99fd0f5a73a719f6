/**
 * Prices of one provider model, as configured in the provider's `models` map
 * (the reference gateway's shapes). Rates are USD per million tokens.
 */
export type ModelPricing =
  | { source: 'simple'; input?: number; output?: number; cached?: number; cache_write?: number; discount?: number }
  | {
      source: 'defined';
      range: Array<{
        lower_bound?: number;
        upper_bound?: number;
        input_per_m?: number;
        output_per_m?: number;
        cached_per_m?: number;
        cache_write_per_m?: number;
      }>;
      discount?: number;
    }
  | { source: 'per_request'; amount: number }
  | {
      source: 'openrouter';
      prompt?: string | number;
      completion?: string | number;
      input_cache_read?: string | number;
      input_cache_write?: string | number;
      discount?: number;
    };

export interface TokenCounts {
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
}

/** How a cost was found; `catalog`: the model catalog's default prices (the provider model configures none). */
export type CostSource =
  'default' | 'simple' | 'defined' | 'per_request' | 'openrouter' | 'provider_reported' | 'catalog';

export interface Cost {
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
  total: number;
  source: CostSource;
}

const PER_MILLION = 1_000_000;

function round(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

function costOf(
  tokens: TokenCounts,
  rates: { input: number; output: number; cached: number; cacheWrite: number },
  factor: number,
  source: CostSource,
): Cost {
  const input = round(((tokens.input * rates.input) / PER_MILLION) * factor);
  const output = round(((tokens.output * rates.output) / PER_MILLION) * factor);
  const cached = round(((tokens.cached * rates.cached) / PER_MILLION) * factor);
  const cacheWrite = round(((tokens.cacheWrite * rates.cacheWrite) / PER_MILLION) * factor);
  return { input, output, cached, cacheWrite, total: round(input + output + cached + cacheWrite), source };
}

function rate(value: string | number | undefined): number {
  const parsed = typeof value === 'string' ? Number(value) : (value ?? 0);
  return Number.isFinite(parsed) ? parsed : 0;
}

/**
 * What a request cost. A cost the provider reported wins over any computation; the
 * discount (model pricing's, else the provider's) scales every bucket; `defined`
 * pricing picks the tier whose range holds the request's whole input.
 */
export function calculateCost(params: {
  tokens: TokenCounts;
  pricing?: ModelPricing;
  providerDiscount?: number;
  reportedCostUsd?: number;
}): Cost {
  const { tokens, pricing } = params;
  if (params.reportedCostUsd !== undefined) {
    return {
      input: 0,
      output: 0,
      cached: 0,
      cacheWrite: 0,
      total: round(params.reportedCostUsd),
      source: 'provider_reported',
    };
  }
  if (!pricing) return { input: 0, output: 0, cached: 0, cacheWrite: 0, total: 0, source: 'default' };
  if (pricing.source === 'per_request') {
    return {
      input: round(pricing.amount),
      output: 0,
      cached: 0,
      cacheWrite: 0,
      total: round(pricing.amount),
      source: 'per_request',
    };
  }
  const factor = 1 - (pricing.discount ?? params.providerDiscount ?? 0);
  switch (pricing.source) {
    case 'simple':
      return costOf(
        tokens,
        {
          input: pricing.input ?? 0,
          output: pricing.output ?? 0,
          cached: pricing.cached ?? 0,
          cacheWrite: pricing.cache_write ?? 0,
        },
        factor,
        'simple',
      );
    case 'defined': {
      const contextTokens = tokens.input + tokens.cached + tokens.cacheWrite;
      const tier =
        pricing.range.find(
          (range) => contextTokens >= (range.lower_bound ?? 0) && contextTokens <= (range.upper_bound ?? Infinity),
        ) ?? pricing.range.at(-1);
      return costOf(
        tokens,
        {
          input: tier?.input_per_m ?? 0,
          output: tier?.output_per_m ?? 0,
          cached: tier?.cached_per_m ?? 0,
          cacheWrite: tier?.cache_write_per_m ?? 0,
        },
        factor,
        'defined',
      );
    }
    case 'openrouter':
      // OpenRouter publishes USD per token; the calculator works per million.
      return costOf(
        tokens,
        {
          input: rate(pricing.prompt) * PER_MILLION,
          output: rate(pricing.completion) * PER_MILLION,
          cached: rate(pricing.input_cache_read) * PER_MILLION,
          cacheWrite: rate(pricing.input_cache_write) * PER_MILLION,
        },
        factor,
        'openrouter',
      );
  }
}

/** Cost of a nominal request (1000 input + 500 output tokens), for ranking targets by price. */
export function nominalCost(pricing: ModelPricing | undefined): number | null {
  if (!pricing) return null;
  return calculateCost({ tokens: { input: 1000, output: 500, cached: 0, cacheWrite: 0 }, pricing }).total;
}
