import { stallOverrides } from './stall-overrides';

describe('stallOverrides', () => {
  it('reads the provider settings the reference names', () => {
    expect(
      stallOverrides({
        stallTtfbMs: 20_000,
        stallTtfbBytes: 200,
        stallMinBps: 300,
        stallWindowMs: 5000,
        stallGracePeriodMs: 0,
        timeoutMs: 1,
      }),
    ).toEqual({ ttfbMs: 20_000, ttfbBytes: 200, minBytesPerSecond: 300, windowMs: 5000, gracePeriodMs: 0 });
  });

  it('keeps null where it switches a dimension off, and inherits elsewhere', () => {
    expect(stallOverrides({ stallTtfbMs: null, stallMinBps: null, stallTtfbBytes: null, stallWindowMs: null })).toEqual(
      {
        ttfbMs: null,
        minBytesPerSecond: null,
      },
    );
  });

  it('ignores values outside the ranges and of the wrong type', () => {
    expect(
      stallOverrides({ stallTtfbMs: 1000, stallTtfbBytes: '100', stallMinBps: 10_000, stallWindowMs: Number.NaN }),
    ).toEqual({});
    expect(stallOverrides({})).toEqual({});
  });
});
