import { describe, expect, it } from 'vitest';
import type { PerformanceRowDto } from '../api/models/performance-row-dto';
import { chartValues, formatRate, formatShare, performanceViewsOf } from './performance-data';

const row = (
  provider: string,
  model: string,
  ttft: number | null,
  extra: Partial<PerformanceRowDto> = {},
): PerformanceRowDto => ({
  provider,
  model,
  avg_ttft_ms: ttft,
  min_ttft_ms: ttft,
  max_ttft_ms: ttft,
  avg_tokens_per_sec: 50,
  avg_e2e_tokens_per_sec: 40,
  success_count: 3,
  failure_count: 1,
  requests_last_24h: 4,
  sample_count: 4,
  last_updated: 1,
  ...extra,
});

describe('performance data', () => {
  it('orders targets by time to first token, unmeasured last', () => {
    const views = performanceViewsOf([row('b', 'm', null), row('a', 'slow', 900), row('a', 'fast', 120)]);
    expect(views.map((v) => v.label)).toEqual(['a/fast', 'a/slow', 'b/m']);
    expect(views[0]?.successRate).toBe(0.75);
    expect(performanceViewsOf([row('a', 'm', 1, { success_count: 0, failure_count: 0 })])[0]?.successRate).toBeNull();
  });

  it('charts missing values as 0 and formats rates and shares', () => {
    const views = performanceViewsOf([row('a', 'm', 123.456), row('b', 'm', null)]);
    expect(chartValues(views, (v) => v.avgTtftMs)).toEqual([123.5, 0]);
    expect(formatRate(null)).toBe('—');
    expect(formatRate(5.55)).toBe('5.5 tok/s');
    expect(formatRate(42.4)).toBe('42 tok/s');
    expect(formatShare(0.75)).toBe('75%');
  });
});
