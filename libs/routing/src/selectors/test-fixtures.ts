/* Shared helpers for the selector unit tests (imported only by *.spec.ts files). */
import type { RouteTarget } from '../route-target';

export function target(provider: string, model = 'm', modelConfig: Record<string, unknown> = {}): RouteTarget {
  return {
    provider,
    model,
    apiType: 'chat',
    baseUrl: `https://${provider}.example.com/v1`,
    apiKey: null,
    headers: {},
    extraBody: {},
    timeoutMs: null,
    group: 'g',
    modelConfig,
    discount: 0,
    stall: {},
  };
}

export function names(targets: readonly RouteTarget[]): string[] {
  return targets.map((t) => t.provider);
}

/** A deterministic Math.random replacement (mulberry32), so distribution tests never flake. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How often each provider came first over `runs` orderings. */
export function firstPlaces(runs: number, order: () => RouteTarget[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    const first = order()[0].provider;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}
