import { describe, expect, it } from 'vitest';
import { bucketLabel, emptyPoint, fillSeries, nextBucket, percentilesOf, topUsage, totalsOf, truncUtc } from './dashboard-data';

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
    expect(filled.map((p) => new Date(p.bucketStartMs).toISOString().slice(11, 16))).toEqual(['12:00', '13:00', '14:00', '15:00']);
    expect(filled.map((p) => p.requests)).toEqual([0, 0, 3, 0]);
    expect(totalsOf(filled)).toEqual({ requests: 3, errors: 1, tokens: 90, cost: 0.25 });
  });

  it('labels days and months by their UTC date', () => {
    expect(bucketLabel(at('2026-03-05T00:00:00Z'), 'day')).toBe('03-05');
    expect(bucketLabel(at('2026-03-01T00:00:00Z'), 'month')).toBe('2026-03');
  });
});

describe('topUsage', () => {
  const records = [
    { incomingModelAlias: 'a', provider: 'p1', apiKey: 'k1', responseStatus: 'success', tokensInput: 10, tokensOutput: 5, costTotal: 0.5 },
    { incomingModelAlias: 'b', provider: 'p2', apiKey: 'k1', responseStatus: 'error', tokensInput: 1 },
    { incomingModelAlias: 'b', provider: 'p1', apiKey: 'k2', responseStatus: 'success', tokensInput: 1, tokensCached: 2, tokensCacheWrite: 3, costTotal: 0.25 },
    { incomingModelAlias: null, provider: null, apiKey: null, responseStatus: 'success' },
  ];

  it('counts requests, errors, tokens and cost per alias, busiest first', () => {
    expect(topUsage(records, 'incomingModelAlias')).toEqual([
      { name: 'b', requests: 2, errors: 1, tokens: 7, cost: 0.25 },
      { name: 'a', requests: 1, errors: 0, tokens: 15, cost: 0.5 },
      { name: '(none)', requests: 1, errors: 0, tokens: 0, cost: 0 },
    ]);
    expect(topUsage(records, 'incomingModelAlias', 1)).toHaveLength(1);
  });

  it('groups by provider and by key too', () => {
    expect(topUsage(records, 'provider').map((g) => `${g.name}:${g.requests}`)).toEqual(['p1:2', 'p2:1', '(none):1']);
    expect(topUsage(records, 'apiKey').map((g) => `${g.name}:${g.requests}`)).toEqual(['k1:2', 'k2:1', '(none):1']);
  });
});

describe('percentilesOf', () => {
  it('takes nearest-rank percentiles of the measured values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentilesOf(values)).toEqual({ p50: 50, p90: 90, p99: 99, count: 100 });
    expect(percentilesOf([null, 300, undefined, 100, 200])).toEqual({ p50: 200, p90: 300, p99: 300, count: 3 });
    expect(percentilesOf([])).toEqual({ p50: null, p90: null, p99: null, count: 0 });
  });
});
