import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { Api } from '../api/api';
import { performanceControllerClear } from '../api/fn/management-performance/performance-controller-clear';
import { performanceControllerList } from '../api/fn/management-performance/performance-controller-list';
import { problemOf } from '../core/api-problem';
import { BarChart, type ChartSeries } from '../shared/bar-chart';
import { confirm } from '../shared/confirm-dialog';
import { formatDateTime, formatDuration, formatInt } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';
import { chartValues, formatRate, formatShare, performanceViewsOf, type PerformanceView } from './performance-data';

@Component({
  selector: 'plx-performance-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatCardModule, MatTableModule, BarChart, LoadState, PageHeader],
  template: `
    <plx-page-header
      heading="Performance"
      subtitle="Recent time to first token and throughput per provider model (what the performance selectors route by)"
    >
      <button matButton type="button" (click)="rows.reload()" data-testid="refresh">Refresh</button>
    </plx-page-header>
    <plx-load-state
      [loading]="rows.isLoading()"
      [error]="loadError()"
      [empty]="views().length === 0"
      (retry)="rows.reload()"
    >
      <span empty>No measurements yet. They appear once requests have been answered.</span>
      <div class="charts">
        <mat-card appearance="outlined" class="chart">
          <h2>Time to first token (ms, average)</h2>
          <plx-bar-chart
            [labels]="labels()"
            [series]="ttftSeries()"
            [stacked]="false"
            label="Average, minimum and maximum time to first token per provider model"
          />
        </mat-card>
        <mat-card appearance="outlined" class="chart">
          <h2>Output tokens per second</h2>
          <plx-bar-chart
            [labels]="labels()"
            [series]="rateSeries()"
            [stacked]="false"
            label="Output tokens per second per provider model"
          />
        </mat-card>
      </div>
      <table
        mat-table
        [dataSource]="views()"
        class="table"
        aria-label="Performance per provider model"
        data-testid="performance-table"
      >
        <ng-container matColumnDef="target">
          <th mat-header-cell *matHeaderCellDef>Provider / model</th>
          <td mat-cell *matCellDef="let v">
            <span class="slug">{{ v.label }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="ttft">
          <th mat-header-cell *matHeaderCellDef>TTFT avg (min–max)</th>
          <td mat-cell *matCellDef="let v">
            {{ duration(v.avgTtftMs) }}
            <span class="muted">({{ duration(v.minTtftMs) }}–{{ duration(v.maxTtftMs) }})</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="rate">
          <th mat-header-cell *matHeaderCellDef>Tokens/s (after first · overall)</th>
          <td mat-cell *matCellDef="let v">{{ rate(v.tokensPerSec) }} · {{ rate(v.e2eTokensPerSec) }}</td>
        </ng-container>
        <ng-container matColumnDef="success">
          <th mat-header-cell *matHeaderCellDef>Success</th>
          <td mat-cell *matCellDef="let v" [class.bad]="v.failures > 0">
            {{ share(v.successRate) }}
            <span class="muted">({{ int(v.successes) }}/{{ int(v.successes + v.failures) }})</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="day">
          <th mat-header-cell *matHeaderCellDef>Attempts 24 h</th>
          <td mat-cell *matCellDef="let v">{{ int(v.last24h) }}</td>
        </ng-container>
        <ng-container matColumnDef="updated">
          <th mat-header-cell *matHeaderCellDef>Last sample</th>
          <td mat-cell *matCellDef="let v">{{ dateTime(v.lastUpdated) }}</td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let v" class="actions">
            <button matButton type="button" class="danger" (click)="reset(v)">Reset</button>
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" data-testid="performance-row"></tr>
      </table>
    </plx-load-state>
  `,
  styleUrl: '../shared/table.scss',
  styles: `
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
      gap: 16px;
      margin-bottom: 16px;
    }
    .chart {
      padding: 16px;
    }
    .chart h2 {
      font: var(--mat-sys-title-small);
      margin: 0 0 8px;
    }
    .bad {
      color: var(--mat-sys-error);
    }
  `,
})
export class PerformancePage {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly columns = ['target', 'ttft', 'rate', 'success', 'day', 'updated', 'actions'];
  protected readonly rows = resource({ loader: () => this.api.invoke(performanceControllerList) });
  protected readonly views = computed(() => (this.rows.hasValue() ? performanceViewsOf(this.rows.value()) : []));
  protected readonly labels = computed(() => this.views().map((v) => v.label));
  protected readonly ttftSeries = computed<ChartSeries[]>(() => [
    { label: 'Min', data: chartValues(this.views(), (v) => v.minTtftMs), color: '#7fa6ee' },
    { label: 'Average', data: chartValues(this.views(), (v) => v.avgTtftMs), color: '#3f6fd8' },
    { label: 'Max', data: chartValues(this.views(), (v) => v.maxTtftMs), color: '#1d3f8f' },
  ]);
  protected readonly rateSeries = computed<ChartSeries[]>(() => [
    { label: 'After the first token', data: chartValues(this.views(), (v) => v.tokensPerSec), color: '#1f9d74' },
    { label: 'Overall', data: chartValues(this.views(), (v) => v.e2eTokensPerSec), color: '#8fd3b9' },
  ]);
  protected readonly loadError = computed(() => {
    const error = this.rows.error();
    return error ? `Could not load performance: ${problemOf(error).message}` : null;
  });

  protected readonly duration = formatDuration;
  protected readonly rate = formatRate;
  protected readonly share = formatShare;
  protected readonly int = formatInt;
  protected readonly dateTime = formatDateTime;

  protected async reset(view: PerformanceView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Reset measurements of ${view.label}?`,
      message: 'Its samples are forgotten; the performance selectors treat it as unmeasured until new requests arrive.',
      confirmLabel: 'Reset',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.invoke(performanceControllerClear, { model: view.model, provider: view.provider });
      this.snack.open(`Measurements of ${view.label} reset`, undefined, { duration: 4000 });
    } catch (error) {
      this.snack.open(`Could not reset: ${problemOf(error).message}`, 'Dismiss');
    }
    this.rows.reload();
  }
}
