import { DEFAULT_ROUTING_SETTINGS, type StallSettings } from '@plexus/routing';
import { resolveStallPolicy } from './stall-policy';

const GLOBAL: StallSettings = { ...DEFAULT_ROUTING_SETTINGS.stall, ttfbSeconds: 15, minBytesPerSecond: 500 };

describe('resolveStallPolicy', () => {
  it('is null when both dimensions are off (the defaults): no watchdog runs', () => {
    expect(resolveStallPolicy(DEFAULT_ROUTING_SETTINGS.stall, {})).toBeNull();
  });

  it('turns the global seconds into milliseconds', () => {
    expect(resolveStallPolicy(GLOBAL, {})).toEqual({
      ttfbMs: 15_000,
      ttfbBytes: 100,
      minBytesPerSecond: 500,
      windowMs: 10_000,
      gracePeriodMs: 30_000,
    });
  });

  it("lets a provider's overrides win, and its null switch a dimension off", () => {
    expect(
      resolveStallPolicy(GLOBAL, {
        ttfbMs: 5000,
        ttfbBytes: 50,
        windowMs: 3000,
        gracePeriodMs: 0,
        minBytesPerSecond: null,
      }),
    ).toEqual({
      ttfbMs: 5000,
      ttfbBytes: 50,
      minBytesPerSecond: null,
      windowMs: 3000,
      gracePeriodMs: 0,
    });
    expect(resolveStallPolicy(GLOBAL, { ttfbMs: null, minBytesPerSecond: null })).toBeNull();
  });

  it('turns detection on for one provider while it is off globally', () => {
    expect(resolveStallPolicy(DEFAULT_ROUTING_SETTINGS.stall, { ttfbMs: 20_000 })).toMatchObject({
      ttfbMs: 20_000,
      minBytesPerSecond: null,
    });
  });
});
