import type { StallOverrides } from './route-target';

/** The reference's per-provider ranges; a value outside them is ignored (the global setting applies). */
const RANGES = {
  stallTtfbMs: [5_000, 120_000],
  stallTtfbBytes: [50, 10_000],
  stallMinBps: [50, 5_000],
  stallWindowMs: [3_000, 30_000],
  stallGracePeriodMs: [0, 120_000],
} as const;

type Field = keyof typeof RANGES;

function inRange(settings: Record<string, unknown>, field: Field): number | undefined {
  const value = settings[field];
  const [min, max] = RANGES[field];
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

/** A dimension that null switches off: null, a valid number, or absent. */
function nullableInRange(settings: Record<string, unknown>, field: Field): number | null | undefined {
  return settings[field] === null ? null : inRange(settings, field);
}

/** The stall overrides in a provider's settings (`stallTtfbMs`, `stallTtfbBytes`, `stallMinBps`, `stallWindowMs`, `stallGracePeriodMs`). */
export function stallOverrides(settings: Record<string, unknown>): StallOverrides {
  const overrides: StallOverrides = {};
  const ttfbMs = nullableInRange(settings, 'stallTtfbMs');
  if (ttfbMs !== undefined) overrides.ttfbMs = ttfbMs;
  const ttfbBytes = inRange(settings, 'stallTtfbBytes');
  if (ttfbBytes !== undefined) overrides.ttfbBytes = ttfbBytes;
  const minBytesPerSecond = nullableInRange(settings, 'stallMinBps');
  if (minBytesPerSecond !== undefined) overrides.minBytesPerSecond = minBytesPerSecond;
  const windowMs = inRange(settings, 'stallWindowMs');
  if (windowMs !== undefined) overrides.windowMs = windowMs;
  const gracePeriodMs = inRange(settings, 'stallGracePeriodMs');
  if (gracePeriodMs !== undefined) overrides.gracePeriodMs = gracePeriodMs;
  return overrides;
}
