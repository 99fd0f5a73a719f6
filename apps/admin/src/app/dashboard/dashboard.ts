import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, resource, signal } from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { Api } from '../api/api';
import { healthControllerLive } from '../api/fn/health/health-controller-live';
import { concurrencyControllerGet } from '../api/fn/management-usage/concurrency-controller-get';
import { usageControllerSummary } from '../api/fn/management-usage/usage-controller-summary';
import { problemOf } from '../core/api-problem';
import { BarChart, type ChartSeries } from '../shared/bar-chart';
import { formatCount, formatDuration, formatInt, formatUsd } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';
import { AdminSession } from '../core/admin-session';
import { LiveEvents, type LiveRecord } from '../core/live-events';
import { statusTone } from '../logs/usage-view';
import {
  RANGES,
  bucketLabel,
  fillSeries,
  percentileSeries,
  topRows,
  totalsOf,
  type DashboardRange,
} from './dashboard-data';

const REFRESH_MS = 30_000;
/** Requests the live feed keeps. */
const LIVE_ROWS = 12;

const COLORS = {
  requests: '#3f6fd8',
  errors: '#d0453a',
  input: '#3f6fd8',
  cached: '#7fa6ee',
  output: '#1f9d74',
  reasoning: '#b26ad9',
  cost: '#c98a12',
};

@Component({
  selector: 'plx-dashboard',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgTemplateOutlet, MatButtonModule, MatButtonToggleModule, MatCardModule, BarChart, LoadState, PageHeader],
  templateUrl: './dashboard.html',
  styleUrl: './dashboard.scss',
  providers: [LiveEvents],
})
export class Dashboard {
  private readonly api = inject(Api);
  /** A key holder sees only its own usage (the server filters); the per-key table is the admin's. */
  protected readonly limited = inject(AdminSession).limited;

  protected readonly ranges = Object.entries(RANGES).map(([value, r]) => ({
    value: value as DashboardRange,
    label: r.label,
  }));
  protected readonly range = signal<DashboardRange>('hour');

  protected readonly health = resource({ loader: () => this.api.invoke(healthControllerLive) });
  protected readonly summary = resource({
    params: () => ({ range: this.range() }),
    loader: async ({ params }) => ({ at: Date.now(), summary: await this.api.invoke(usageControllerSummary, params) }),
  });

  protected readonly concurrency = resource({
    loader: () => this.api.invoke(concurrencyControllerGet, { mode: 'live' }),
  });
  protected readonly inFlight = computed(() =>
    this.concurrency.hasValue() ? this.concurrency.value().data.reduce((sum, entry) => sum + entry.count, 0) : null,
  );
  private readonly window = computed(() => RANGES[this.range()]);
  protected readonly series = computed(() => {
    if (!this.summary.hasValue()) return [];
    const { at, summary } = this.summary.value();
    return fillSeries(summary.series, this.window().bucket, at - this.window().spanMs, at);
  });
  protected readonly totals = computed(() => totalsOf(this.series()));
  protected readonly week = computed(() => (this.summary.hasValue() ? this.summary.value().summary.stats : null));
  protected readonly today = computed(() => (this.summary.hasValue() ? this.summary.value().summary.today : null));
  protected readonly labels = computed(() =>
    this.series().map((p) => bucketLabel(p.bucketStartMs, this.window().bucket)),
  );
  protected readonly requestSeries = computed<ChartSeries[]>(() => [
    { label: 'Succeeded', data: this.series().map((p) => p.requests - p.errors), color: COLORS.requests },
    { label: 'Failed', data: this.series().map((p) => p.errors), color: COLORS.errors },
  ]);
  protected readonly tokenSeries = computed<ChartSeries[]>(() => [
    { label: 'Input', data: this.series().map((p) => p.inputTokens), color: COLORS.input },
    { label: 'Cached', data: this.series().map((p) => p.cachedTokens), color: COLORS.cached },
    { label: 'Output', data: this.series().map((p) => p.outputTokens), color: COLORS.output },
    { label: 'Reasoning', data: this.series().map((p) => p.reasoningTokens), color: COLORS.reasoning },
  ]);
  protected readonly errorSeries = computed<ChartSeries[]>(() => [
    { label: 'Failed requests', data: this.series().map((p) => p.errors), color: COLORS.errors },
  ]);
  protected readonly costSeries = computed<ChartSeries[]>(() => [
    { label: 'Cost (USD)', data: this.series().map((p) => Math.round(p.cost * 1e6) / 1e6), color: COLORS.cost },
  ]);
  protected readonly latencySeries = computed<ChartSeries[]>(() => [
    { label: 'TTFT p50', data: percentileSeries(this.series(), (p) => p.p50TtftMs), color: COLORS.cached },
    { label: 'TTFT p95', data: percentileSeries(this.series(), (p) => p.p95TtftMs), color: COLORS.input },
    { label: 'Duration p50', data: percentileSeries(this.series(), (p) => p.p50DurationMs), color: COLORS.reasoning },
    { label: 'Duration p95', data: percentileSeries(this.series(), (p) => p.p95DurationMs), color: '#6b3a8f' },
  ]);
  private readonly breakdowns = computed(() => (this.summary.hasValue() ? this.summary.value().summary : null));
  protected readonly models = computed(() => topRows(this.breakdowns()?.byAlias ?? []));
  protected readonly providers = computed(() => topRows(this.breakdowns()?.byProvider ?? []));
  protected readonly keys = computed(() => topRows(this.breakdowns()?.byKey ?? []));

  protected readonly loadError = computed(() => {
    const error = this.summary.error();
    return error ? `Could not load usage: ${problemOf(error).message}` : null;
  });

  protected readonly count = formatCount;
  protected readonly int = formatInt;
  protected readonly duration = formatDuration;
  protected readonly usd = formatUsd;

  protected readonly live = inject(LiveEvents);

  protected liveTarget(record: LiveRecord): string {
    const provider = record.finalAttemptProvider ?? record.provider;
    const model = record.finalAttemptModel ?? record.selectedModelName;
    return provider && model ? `${provider}/${model}` : '…';
  }

  protected liveTime(record: LiveRecord): string {
    const at = record.startTime ?? (record.date ? Date.parse(record.date) : null);
    return at === null ? '' : new Date(at).toLocaleTimeString();
  }

  protected liveTone(record: LiveRecord): string {
    return statusTone(record.responseStatus ?? 'pending');
  }

  constructor() {
    this.live.start(LIVE_ROWS);
    const timer = setInterval(() => this.refresh(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected refresh(): void {
    this.health.reload();
    this.summary.reload();
    this.concurrency.reload();
  }
}
