import { calculateCost, type ModelPricing } from '@plexus/core';

/** What a request is expected to use, reserved at admission and settled to the real figure. */
export interface UsageEstimate {
  tokens: number;
  /** USD. */
  cost: number;
}

/** Output reserved when the client sets no max tokens (settled to the real figure after). */
export const DEFAULT_OUTPUT_ESTIMATE = 4096;
/** About four bytes of JSON per token: cheap, and above the real count for most prompts. */
const BYTES_PER_TOKEN = 4;

/**
 * A cheap upper-leaning estimate: the request body's length / 4 as input, the client's
 * max output tokens (or DEFAULT_OUTPUT_ESTIMATE) as output, priced on the first target.
 */
export function estimateUsage(params: {
  /** The client's body as received (its serialized length stands in for the prompt). */
  body: unknown;
  maxOutputTokens?: number;
  pricing?: ModelPricing;
  providerDiscount?: number;
}): UsageEstimate {
  let bytes: number;
  try {
    bytes = JSON.stringify(params.body ?? '').length;
  } catch {
    bytes = 0;
  }
  const input = Math.ceil(bytes / BYTES_PER_TOKEN);
  const output =
    params.maxOutputTokens !== undefined && params.maxOutputTokens > 0
      ? params.maxOutputTokens
      : DEFAULT_OUTPUT_ESTIMATE;
  const cost = calculateCost({
    tokens: { input, output, cached: 0, cacheWrite: 0 },
    ...(params.pricing !== undefined && { pricing: params.pricing }),
    ...(params.providerDiscount !== undefined && { providerDiscount: params.providerDiscount }),
  });
  return { tokens: input + output, cost: cost.total };
}
