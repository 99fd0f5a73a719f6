import type { StallPolicy } from '@plexus/providers';
import type { StallOverrides, StallSettings } from '@plexus/routing';

const SECOND_MS = 1000;

/**
 * The stall policy of one target: the provider's overrides over the global settings.
 * Null when both dimensions are off, so the adapter runs no watchdog at all.
 */
export function resolveStallPolicy(global: Readonly<StallSettings>, overrides: StallOverrides): StallPolicy | null {
  const ttfbMs =
    overrides.ttfbMs !== undefined
      ? overrides.ttfbMs
      : global.ttfbSeconds === null
        ? null
        : global.ttfbSeconds * SECOND_MS;
  const minBytesPerSecond =
    overrides.minBytesPerSecond !== undefined ? overrides.minBytesPerSecond : global.minBytesPerSecond;
  if (ttfbMs === null && minBytesPerSecond === null) return null;
  return {
    ttfbMs,
    ttfbBytes: overrides.ttfbBytes ?? global.ttfbBytes,
    minBytesPerSecond,
    windowMs: overrides.windowMs ?? global.windowSeconds * SECOND_MS,
    gracePeriodMs: overrides.gracePeriodMs ?? global.gracePeriodSeconds * SECOND_MS,
  };
}
