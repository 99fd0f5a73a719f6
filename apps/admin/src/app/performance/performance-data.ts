import type { PerformanceRowDto } from '../api/models/performance-row-dto';

export interface PerformanceView {
  readonly key: string;
  readonly provider: string;
  readonly model: string;
  readonly label: string;
  readonly avgTtftMs: number | null;
  readonly minTtftMs: number | null;
  readonly maxTtftMs: number | null;
  readonly tokensPerSec: number | null;
  readonly e2eTokensPerSec: number | null;
  readonly successRate: number | null;
  readonly successes: number;
  readonly failures: number;
  readonly last24h: number;
  readonly samples: number;
  readonly lastUpdated: number | null;
}

/** One view per provider+model, fastest first token first (targets without a TTFT last, by name). */
export function performanceViewsOf(rows: readonly PerformanceRowDto[]): PerformanceView[] {
  return rows
    .map((row) => {
      const attempts = row.success_count + row.failure_count;
      return {
        key: `${row.provider}\u0000${row.model}`,
        provider: row.provider,
        model: row.model,
        label: `${row.provider}/${row.model}`,
        avgTtftMs: row.avg_ttft_ms,
        minTtftMs: row.min_ttft_ms,
        maxTtftMs: row.max_ttft_ms,
        tokensPerSec: row.avg_tokens_per_sec,
        e2eTokensPerSec: row.avg_e2e_tokens_per_sec,
        successRate: attempts > 0 ? row.success_count / attempts : null,
        successes: row.success_count,
        failures: row.failure_count,
        last24h: row.requests_last_24h,
        samples: row.sample_count,
        lastUpdated: row.last_updated,
      };
    })
    .sort((a, b) => (a.avgTtftMs ?? Infinity) - (b.avgTtftMs ?? Infinity) || a.label.localeCompare(b.label));
}

/** Chart values: a missing measurement is drawn as 0 (the table says "—"). */
export function chartValues(
  views: readonly PerformanceView[],
  pick: (view: PerformanceView) => number | null,
): number[] {
  return views.map((view) => Math.round((pick(view) ?? 0) * 10) / 10);
}

export function formatRate(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(value < 10 ? 1 : 0)} tok/s`;
}

export function formatShare(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 1000) / 10}%`;
}
