import type { UsageBreakdownRowDto } from '../api/models/usage-breakdown-row-dto';
import type { UsageSeriesPointDto } from '../api/models/usage-series-point-dto';
import type { UsageSummaryDto } from '../api/models/usage-summary-dto';

export type Bucket = 'hour' | 'day' | 'week' | 'month';
export type DashboardRange = Exclude<UsageSummaryDto['range'], 'custom'>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The summary endpoint's windows (the reference's): range → bucket size and span. */
export const RANGES: Readonly<Record<DashboardRange, { label: string; bucket: Bucket; spanMs: number }>> = {
  hour: { label: 'Last 24 hours', bucket: 'hour', spanMs: DAY_MS },
  day: { label: 'Last 30 days', bucket: 'day', spanMs: 30 * DAY_MS },
  week: { label: 'Last 12 weeks', bucket: 'week', spanMs: 12 * 7 * DAY_MS },
  month: { label: 'Last 12 months', bucket: 'month', spanMs: 365 * DAY_MS },
};

/** The start of the UTC bucket holding `ms` (weeks start on Monday, as PostgreSQL's date_trunc). */
export function truncUtc(ms: number, bucket: Bucket): number {
  const d = new Date(ms);
  switch (bucket) {
    case 'hour':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'week': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      return day - sinceMonday * DAY_MS;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

export function nextBucket(start: number, bucket: Bucket): number {
  switch (bucket) {
    case 'hour':
      return start + HOUR_MS;
    case 'day':
      return start + DAY_MS;
    case 'week':
      return start + 7 * DAY_MS;
    case 'month': {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
}

export function emptyPoint(bucketStartMs: number): UsageSeriesPointDto {
  return {
    bucketStartMs,
    requests: 0,
    errors: 0,
    tokens: 0,
    cost: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    p50DurationMs: null,
    p95DurationMs: null,
    p99DurationMs: null,
    p50TtftMs: null,
    p95TtftMs: null,
    p99TtftMs: null,
  };
}

/** The server sends only buckets that have requests; charts need every bucket of the window. */
export function fillSeries(
  series: readonly UsageSeriesPointDto[],
  bucket: Bucket,
  fromMs: number,
  toMs: number,
): UsageSeriesPointDto[] {
  const byStart = new Map(series.map((point) => [point.bucketStartMs, point]));
  const filled: UsageSeriesPointDto[] = [];
  for (let start = truncUtc(fromMs, bucket); start <= toMs; start = nextBucket(start, bucket)) {
    filled.push(byStart.get(start) ?? emptyPoint(start));
  }
  return filled;
}

/** Axis labels in the browser's time zone. */
export function bucketLabel(ms: number, bucket: Bucket): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  switch (bucket) {
    case 'hour':
      return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    case 'day':
    case 'week':
      return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    case 'month':
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  }
}

export interface SeriesTotals {
  requests: number;
  errors: number;
  tokens: number;
  cost: number;
}

export function totalsOf(series: readonly UsageSeriesPointDto[]): SeriesTotals {
  return series.reduce(
    (sum, p) => ({
      requests: sum.requests + p.requests,
      errors: sum.errors + p.errors,
      tokens: sum.tokens + p.tokens,
      cost: sum.cost + p.cost,
    }),
    { requests: 0, errors: 0, tokens: 0, cost: 0 },
  );
}

/** One row of a top list: an alias, provider or key over the range's window. */
export interface UsageGroup {
  name: string;
  requests: number;
  errors: number;
  tokens: number;
  cost: number;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

/** The summary's breakdown rows as top-list rows (requests without one are '(none)'), busiest first. */
export function topRows(rows: readonly UsageBreakdownRowDto[], limit = 5): UsageGroup[] {
  return [...rows]
    .sort((a, b) => b.requests - a.requests || b.tokens - a.tokens)
    .slice(0, limit)
    .map((row) => ({
      name: row.name ?? '(none)',
      requests: row.requests,
      errors: row.errors,
      tokens: row.tokens,
      cost: row.cost,
      p50DurationMs: row.p50DurationMs,
      p95DurationMs: row.p95DurationMs,
    }));
}

/** Chart values of a percentile series: buckets without requests are drawn as 0. */
export function percentileSeries(
  series: readonly UsageSeriesPointDto[],
  pick: (point: UsageSeriesPointDto) => number | null,
): number[] {
  return series.map((point) => Math.round(pick(point) ?? 0));
}
