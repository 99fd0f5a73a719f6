import { Injectable } from '@nestjs/common';
import type { RouteTarget } from '../route-target';
import type { TargetSelector } from './target-selector';

/**
 * Cheapest first, by the cost of a simulated request of 1000 input + 500 output tokens
 * under each target's `modelConfig.pricing`. Ties keep the declared order.
 *
 * Unlike the reference gateway, a target whose price we can't tell (no pricing, a
 * malformed one, a `defined` table with no range for the simulated input, or `openrouter`
 * pricing without inline rates) is not treated as free: such targets go last, in declared
 * order. A price explicitly set to 0 is a real price and wins. `per_request` pricing costs
 * its `amount`, not 0.
 */
/** The request the cost selector prices every target with. */
export const SIMULATED_INPUT_TOKENS = 1000;
export const SIMULATED_OUTPUT_TOKENS = 500;

@Injectable()
export class CostSelector implements TargetSelector {
  readonly name = 'cost';

  order(targets: readonly RouteTarget[]): RouteTarget[] {
    const entries = targets.map((target) => ({ target, cost: simulatedCost(target.modelConfig['pricing']) }));
    const priced = entries.filter((entry) => entry.cost !== null);
    priced.sort((a, b) => (a.cost as number) - (b.cost as number));
    return [...priced, ...entries.filter((entry) => entry.cost === null)].map((entry) => entry.target);
  }
}

/**
 * The cost in USD of the simulated request, or null when the pricing can't tell. A
 * `pricing.discount` (0..1) scales the token costs as usage costing does. The provider-level
 * `discount` lives on the provider, which RouteTarget doesn't carry, so it is ignored here;
 * it scales all of a provider's models alike, so it only matters across providers.
 */
export function simulatedCost(pricing: unknown): number | null {
  if (!isRecord(pricing)) return null;
  const source = pricing['source'];
  if (source === 'per_request') return rate(pricing['amount']);
  let cost: number | null;
  if (source === 'simple' || source === undefined) {
    cost = perMillion(rate(pricing['input']), rate(pricing['output']));
  } else if (source === 'defined') {
    const range = definedRange(pricing['range']);
    cost = range ? perMillion(rate(range['input_per_m']), rate(range['output_per_m'])) : null;
  } else if (source === 'openrouter') {
    // The OpenRouter catalog (per-token `prompt`/`completion` rates) lives outside routing;
    // only rates given inline in the pricing can be used here.
    const prompt = rate(pricing['prompt']);
    const completion = rate(pricing['completion']);
    cost =
      prompt !== null && completion !== null
        ? SIMULATED_INPUT_TOKENS * prompt + SIMULATED_OUTPUT_TOKENS * completion
        : null;
  } else {
    cost = null;
  }
  if (cost === null) return null;
  const discount = rate(pricing['discount']);
  return discount !== null && discount <= 1 ? cost * (1 - discount) : cost;
}

function perMillion(input: number | null, output: number | null): number | null {
  if (input === null || output === null) return null;
  return (SIMULATED_INPUT_TOKENS * input + SIMULATED_OUTPUT_TOKENS * output) / 1_000_000;
}

/** The first range whose [lower_bound, upper_bound] (inclusive, upper defaulting to ∞) holds the input tokens. */
function definedRange(ranges: unknown): Record<string, unknown> | null {
  if (!Array.isArray(ranges)) return null;
  for (const range of ranges as unknown[]) {
    if (!isRecord(range)) continue;
    const lower = rate(range['lower_bound']) ?? 0;
    const upper = upperBound(range['upper_bound']);
    if (upper === null) continue;
    if (lower <= SIMULATED_INPUT_TOKENS && SIMULATED_INPUT_TOKENS <= upper) return range;
  }
  return null;
}

/** Missing, null or "Infinity" means unbounded. */
function upperBound(value: unknown): number | null {
  if (value === undefined || value === null || value === 'Infinity') return Infinity;
  return rate(value);
}

/** A non-negative finite number, also from a numeric string (OpenRouter sends strings); else null. */
function rate(value: unknown): number | null {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
