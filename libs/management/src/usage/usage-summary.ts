import type { UsageBreakdownRow, UsageBucket, UsageBucketRow } from '@plexus/persistence';
import type {
  SummaryRange,
  UsageBreakdownRowDto,
  UsageSeriesPointDto,
  UsageStatsDto,
  UsageTodayDto,
} from './usage-summary.dto';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SummaryWindow {
  from: Date;
  to: Date;
  bucket: UsageBucket;
}

/** The window and bucket size of a summary range, as the reference gateway sizes them. */
export function summaryWindow(range: SummaryRange, now: Date, custom?: { from: Date; to: Date }): SummaryWindow {
  switch (range) {
    case 'hour':
      return { from: new Date(now.getTime() - DAY_MS), to: now, bucket: 'hour' };
    case 'day':
      return { from: new Date(now.getTime() - 30 * DAY_MS), to: now, bucket: 'day' };
    case 'week':
      return { from: new Date(now.getTime() - 12 * 7 * DAY_MS), to: now, bucket: 'week' };
    case 'month':
      return { from: new Date(now.getTime() - 365 * DAY_MS), to: now, bucket: 'month' };
    case 'custom': {
      if (!custom) throw new Error('a custom range needs its dates');
      const span = custom.to.getTime() - custom.from.getTime();
      const bucket: UsageBucket = span <= 2 * DAY_MS ? 'hour' : span <= 90 * DAY_MS ? 'day' : 'week';
      return { from: custom.from, to: custom.to, bucket };
    }
  }
}

const BUCKET_MS: Record<UsageBucket, number> = {
  minute: 60_000,
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 28 * DAY_MS,
};

/** Most buckets a series may have, so a minute series over a year is refused rather than computed. */
export const MAX_BUCKETS = 10_000;

export function bucketCount(window: { from: Date; to: Date }, bucket: UsageBucket): number {
  return Math.ceil((window.to.getTime() - window.from.getTime()) / BUCKET_MS[bucket]);
}

export function seriesOf(rows: UsageBucketRow[]): UsageSeriesPointDto[] {
  return rows.map((row) => ({
    bucketStartMs: row.bucketStartMs,
    ...row.latency,
    requests: row.requests,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedTokens: row.cachedTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    reasoningTokens: row.reasoningTokens,
    errors: row.errors,
    tokens: row.inputTokens + row.outputTokens + row.cachedTokens + row.cacheWriteTokens,
    cost: round(row.costUsd),
  }));
}

/** Breakdown rows; `topModels` also name the model's provider, `byAttribution` the key's attribution. */
export function breakdownOf(rows: UsageBreakdownRow[], qualifier?: 'provider' | 'attribution'): UsageBreakdownRowDto[] {
  return rows.map((row) => ({
    name: row.key,
    ...(qualifier === 'provider' && { provider: row.provider }),
    ...(qualifier === 'attribution' && { attribution: row.attribution }),
    requests: row.requests,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedTokens: row.cachedTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    reasoningTokens: row.reasoningTokens,
    tokens: row.inputTokens + row.outputTokens + row.cachedTokens + row.cacheWriteTokens,
    errors: row.errors,
    cost: round(row.costUsd),
    avgDurationMs: row.requests === 0 ? 0 : Math.round(row.totalDurationMs / row.requests),
    ...row.latency,
  }));
}

/** The last 7 days: sums over the day buckets, latency percentiles over all of its requests. */
export function statsOf(rows: UsageBucketRow[], latency: UsageBucketRow['latency']): UsageStatsDto {
  const totalRequests = rows.reduce((sum, row) => sum + row.requests, 0);
  const totalDurationMs = rows.reduce((sum, row) => sum + row.totalDurationMs, 0);
  return {
    totalRequests,
    totalTokens: seriesOf(rows).reduce((sum, point) => sum + point.tokens, 0),
    totalErrors: rows.reduce((sum, row) => sum + row.errors, 0),
    totalDurationMs,
    avgDurationMs: totalRequests === 0 ? 0 : Math.round(totalDurationMs / totalRequests),
    totalCost: round(rows.reduce((sum, row) => sum + row.costUsd, 0)),
    ...latency,
  };
}

export function todayOf(rows: UsageBucketRow[]): UsageTodayDto {
  const sum = (pick: (row: UsageBucketRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);
  return {
    requests: sum((row) => row.requests),
    inputTokens: sum((row) => row.inputTokens),
    outputTokens: sum((row) => row.outputTokens),
    reasoningTokens: sum((row) => row.reasoningTokens),
    cachedTokens: sum((row) => row.cachedTokens),
    cacheWriteTokens: sum((row) => row.cacheWriteTokens),
    errors: sum((row) => row.errors),
    totalCost: round(sum((row) => row.costUsd)),
  };
}

function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

export function utcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
