import { describe, expect, it } from 'vitest';
import { bucketLabel, emptyPoint, fillSeries, nextBucket, topModels, totalsOf, truncUtc } from './dashboard-data';

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

describe('topModels', () => {
  it('counts requests, errors and tokens per alias, busiest first', () => {
    const records = [
      { incomingModelAlias: 'a', responseStatus: 'success', tokensInput: 10, tokensOutput: 5 },
      { incomingModelAlias: 'b', responseStatus: 'error', tokensInput: 1 },
      { incomingModelAlias: 'b', responseStatus: 'success', tokensInput: 1, tokensCached: 2, tokensCacheWrite: 3 },
      { incomingModelAlias: null, responseStatus: 'success' },
    ];
    expect(topModels(records)).toEqual([
      { alias: 'b', requests: 2, errors: 1, tokens: 7 },
      { alias: 'a', requests: 1, errors: 0, tokens: 15 },
      { alias: '(none)', requests: 1, errors: 0, tokens: 0 },
    ]);
    expect(topModels(records, 1)).toHaveLength(1);
  });
});
