import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  emptyPoint,
  fillSeries,
  nextBucket,
  percentileSeries,
  topRows,
  totalsOf,
  truncUtc,
} from './dashboard-data';

const at = (iso: string) => Date.parse(iso);

describe('time buckets (UTC, as the summary endpoint makes them)', () => {
  it('truncates to hour, day, Monday-start week and month', () => {
    const t = at('2026-11-26T15:42:10.000Z'); // a Thursday
    expect(new Date(truncUtc(t, 'hour')).toISOString()).toBe('2026-11-26T15:00:00.000Z');
    expect(new Date(truncUtc(t, 'day')).toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(new Date(truncUtc(t, 'week')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(truncUtc(at('2026-11-29T23:00:00Z'), 'week')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(truncUtc(t, 'month')).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('steps months by the calendar', () => {
    expect(new Date(nextBucket(at('2026-01-01T00:00:00Z'), 'month')).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(new Date(nextBucket(at('2026-12-01T00:00:00Z'), 'month')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('fills the buckets the server left out, keeping the ones it sent', () => {
    const sent = { ...emptyPoint(at('2026-11-26T14:00:00Z')), requests: 3, errors: 1, tokens: 90, cost: 0.25 };
    const filled = fillSeries([sent], 'hour', at('2026-11-26T12:30:00Z'), at('2026-11-26T15:10:00Z'));
    expect(filled.map((p) => new Date(p.bucketStartMs).toISOString().slice(11, 16))).toEqual([
      '12:00',
      '13:00',
      '14:00',
      '15:00',
    ]);
    expect(filled.map((p) => p.requests)).toEqual([0, 0, 3, 0]);
    expect(totalsOf(filled)).toEqual({ requests: 3, errors: 1, tokens: 90, cost: 0.25 });
  });

  it('labels days and months by their UTC date', () => {
    expect(bucketLabel(at('2026-03-05T00:00:00Z'), 'day')).toBe('03-05');
    expect(bucketLabel(at('2026-03-01T00:00:00Z'), 'month')).toBe('2026-03');
  });
});

describe('top rows from the summary breakdowns', () => {
  const row = (name: string | null, requests: number, tokens: number) => ({
    name,
    requests,
    errors: 0,
    tokens,
    cost: 0.5,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    avgDurationMs: 10,
    p50DurationMs: 8,
    p95DurationMs: 20,
    p99DurationMs: 30,
    p50TtftMs: null,
    p95TtftMs: null,
    p99TtftMs: null,
  });

  it('orders by requests then tokens, names the unnamed and keeps the limit', () => {
    const rows = topRows([row('a', 1, 50), row(null, 3, 0), row('b', 1, 70)], 2);
    expect(rows).toEqual([
      { name: '(none)', requests: 3, errors: 0, tokens: 0, cost: 0.5, p50DurationMs: 8, p95DurationMs: 20 },
      { name: 'b', requests: 1, errors: 0, tokens: 70, cost: 0.5, p50DurationMs: 8, p95DurationMs: 20 },
    ]);
  });

  it('charts percentiles with empty buckets as 0', () => {
    const points = [{ ...emptyPoint(0), p95TtftMs: 120.4 }, emptyPoint(1)];
    expect(percentileSeries(points, (p) => p.p95TtftMs)).toEqual([120, 0]);
  });
});
