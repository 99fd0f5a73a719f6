import type { QuotaDefinition } from './quota-window';
import {
  admissionUnit,
  calendarWindow,
  currentUsage,
  isExhausted,
  leak,
  resetsAt,
  retryAfterMs,
  windowOf,
} from './quota-window';
import { parseDuration } from './duration';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

function definition(overrides: Partial<QuotaDefinition>): QuotaDefinition {
  return {
    name: 'q',
    type: 'daily',
    limitType: 'requests',
    limit: 50,
    durationMs: null,
    duration: null,
    shared: false,
    warnAt: null,
    ...overrides,
  };
}

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2h30m', 9_000_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1d2h3m4s', 93_784_000],
    ['250ms', 250],
    [' 10M ', 600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', 'h', '0s', '0h0m', '-1h', '1x', '1h-', 'abc', '1h 2', 'one hour'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('calendar windows (UTC)', () => {
  describe('daily', () => {
    it('runs from 00:00 UTC to the next 00:00 UTC', () => {
      const window = calendarWindow('daily', at('2026-03-10T13:45:12.345Z'));
      expect(iso(window.start)).toBe('2026-03-10T00:00:00.000Z');
      expect(iso(window.end)).toBe('2026-03-11T00:00:00.000Z');
    });

    it('holds the last millisecond before midnight in the old day and midnight itself in the new', () => {
      expect(iso(calendarWindow('daily', at('2026-03-10T23:59:59.999Z')).start)).toBe('2026-03-10T00:00:00.000Z');
      expect(iso(calendarWindow('daily', at('2026-03-11T00:00:00.000Z')).start)).toBe('2026-03-11T00:00:00.000Z');
      expect(iso(calendarWindow('daily', at('2026-03-11T00:00:00.001Z')).start)).toBe('2026-03-11T00:00:00.000Z');
    });

    it('ignores the local time zone (23:30 in New York is already tomorrow in UTC)', () => {
      // 2026-03-10 23:30 EDT is 2026-03-11 03:30 UTC.
      expect(iso(calendarWindow('daily', at('2026-03-10T23:30:00-04:00')).start)).toBe('2026-03-11T00:00:00.000Z');
    });
  });

  describe('weekly (Monday 00:00 UTC)', () => {
    it('keeps all of Sunday, to its last millisecond, in the week that began the Monday before', () => {
      // 2026-03-15 is a Sunday.
      for (const instant of ['2026-03-15T00:00:00.000Z', '2026-03-15T12:00:00.000Z', '2026-03-15T23:59:59.999Z']) {
        const window = calendarWindow('weekly', at(instant));
        expect(iso(window.start)).toBe('2026-03-09T00:00:00.000Z');
        expect(iso(window.end)).toBe('2026-03-16T00:00:00.000Z');
      }
    });

    it('starts a new week at Monday 00:00:00.000 UTC', () => {
      const window = calendarWindow('weekly', at('2026-03-16T00:00:00.000Z'));
      expect(iso(window.start)).toBe('2026-03-16T00:00:00.000Z');
      expect(iso(window.end)).toBe('2026-03-23T00:00:00.000Z');
    });

    it('puts every day of a week in the same window', () => {
      const starts = new Set(
        ['2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22'].map(
          (day) => calendarWindow('weekly', at(`${day}T06:00:00Z`)).start,
        ),
      );
      expect([...starts].map(iso)).toEqual(['2026-03-16T00:00:00.000Z']);
    });

    it('spans a month and a year boundary', () => {
      // 2025-12-31 is a Wednesday; its week began Monday 2025-12-29.
      const window = calendarWindow('weekly', at('2026-01-01T10:00:00Z'));
      expect(iso(window.start)).toBe('2025-12-29T00:00:00.000Z');
      expect(iso(window.end)).toBe('2026-01-05T00:00:00.000Z');
    });
  });

  describe('monthly (the 1st, 00:00 UTC)', () => {
    it.each([
      ['2026-01-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2026-02-28T23:59:59.999Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2028-02-29T12:00:00.000Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
      ['2026-04-30T23:59:59.999Z', '2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
      ['2026-12-31T23:59:59.999Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
      ['2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
    ])('%s is in [%s, %s)', (instant, start, end) => {
      const window = calendarWindow('monthly', at(instant));
      expect(iso(window.start)).toBe(start);
      expect(iso(window.end)).toBe(end);
    });
  });
});

describe('leaky buckets (rolling quotas)', () => {
  const hour = 3_600_000;

  it('drains at limit/duration: 50 per hour leaks one request every 72 s', () => {
    expect(leak(50, 0, 72_000, 50, hour)).toBeCloseTo(49, 10);
    expect(leak(50, 0, 36_000, 50, hour)).toBeCloseTo(49.5, 10);
    expect(leak(50, 0, 30 * 60_000, 50, hour)).toBeCloseTo(25, 10);
  });

  it('is empty once a full window has passed, and never negative', () => {
    expect(leak(50, 0, hour, 50, hour)).toBe(0);
    expect(leak(50, 0, 10 * hour, 50, hour)).toBe(0);
    expect(leak(10, 0, hour, 50, hour)).toBe(0);
  });

  it('does not leak backwards when a replica clock is behind the stored update', () => {
    expect(leak(20, 10_000, 5_000, 50, hour)).toBe(20);
  });

  it('admits the 51st request of a 50/h bucket only after a whole request has drained', () => {
    const window = windowOf(definition({ type: 'rolling', durationMs: hour, duration: '1h' }), 0);
    expect(window).toEqual({ kind: 'leak', durationMs: hour });
    const state = { usage: 50, updatedAt: 0, windowStart: null, limitType: 'requests' };
    const usageAt = (now: number): number => currentUsage(state, { limitType: 'requests', limit: 50, window, now });
    expect(isExhausted(usageAt(1), 50, 1)).toBe(true);
    expect(isExhausted(usageAt(71_999), 50, 1)).toBe(true);
    expect(isExhausted(usageAt(72_000), 50, 1)).toBe(false);
    expect(retryAfterMs({ usage: usageAt(1_000), limit: 50, unit: 1, window, now: 1_000 })).toBe(71_001);
    expect(retryAfterMs({ usage: usageAt(72_000), limit: 50, unit: 1, window, now: 72_000 })).toBe(0);
  });

  it('reports the reset as the instant the bucket is empty', () => {
    const window = { kind: 'leak' as const, durationMs: hour };
    expect(resetsAt(25, 50, window, 1_000)).toBe(1_000 + hour / 2);
    expect(resetsAt(0, 50, window, 1_000)).toBe(1_000);
  });

  it('admits token and cost requests while strictly under the limit', () => {
    const window = { kind: 'leak' as const, durationMs: 1000 };
    expect(isExhausted(999.999, 1000, 0)).toBe(false);
    expect(isExhausted(1000, 1000, 0)).toBe(true);
    // 1000 tokens/s: 10 over the limit drains in 10 ms, then one more ms to be strictly under.
    expect(retryAfterMs({ usage: 1010, limit: 1000, unit: 0, window, now: 0 })).toBe(11);
  });
});

describe('calendar buckets', () => {
  const day = calendarWindow('daily', at('2026-03-10T12:00:00Z'));
  const window = { kind: 'calendar' as const, ...day };

  it('counts usage only in the window it was charged in', () => {
    const state = { usage: 42, updatedAt: at('2026-03-10T08:00:00Z'), windowStart: day.start, limitType: 'tokens' };
    expect(currentUsage(state, { limitType: 'tokens', limit: 100, window, now: at('2026-03-10T23:59:59.999Z') })).toBe(
      42,
    );
    const tomorrow = { kind: 'calendar' as const, ...calendarWindow('daily', at('2026-03-11T00:00:00Z')) };
    expect(
      currentUsage(state, { limitType: 'tokens', limit: 100, window: tomorrow, now: at('2026-03-11T00:00:00Z') }),
    ).toBe(0);
  });

  it('starts over when the definition changes its limit type', () => {
    const state = { usage: 42, updatedAt: 0, windowStart: day.start, limitType: 'tokens' };
    expect(currentUsage(state, { limitType: 'cost', limit: 100, window, now: day.start + 1 })).toBe(0);
    expect(currentUsage(undefined, { limitType: 'cost', limit: 100, window, now: day.start + 1 })).toBe(0);
  });

  it('answers Retry-After until the window ends, and the reset at its end', () => {
    const now = at('2026-03-10T23:59:30Z');
    expect(retryAfterMs({ usage: 50, limit: 50, unit: 1, window, now })).toBe(30_000);
    expect(retryAfterMs({ usage: 49, limit: 50, unit: 1, window, now })).toBe(0);
    expect(iso(resetsAt(50, 50, window, now))).toBe('2026-03-11T00:00:00.000Z');
  });

  it('builds the window the definition names', () => {
    const now = at('2026-03-15T23:59:59.999Z');
    expect(windowOf(definition({ type: 'weekly' }), now)).toEqual({
      kind: 'calendar',
      ...calendarWindow('weekly', now),
    });
    expect(windowOf(definition({ type: 'monthly' }), now)).toEqual({
      kind: 'calendar',
      ...calendarWindow('monthly', now),
    });
  });
});

describe('admission units', () => {
  it('needs room for a whole request on request quotas, nothing more on token and cost quotas', () => {
    expect(admissionUnit('requests')).toBe(1);
    expect(admissionUnit('tokens')).toBe(0);
    expect(admissionUnit('cost')).toBe(0);
    expect(isExhausted(49, 50, 1)).toBe(false);
    expect(isExhausted(49.000001, 50, 1)).toBe(true);
    expect(isExhausted(50, 50, 1)).toBe(true);
  });
});
