import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterRenderEffect,
  inject,
  input,
  viewChild,
} from '@angular/core';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

// Only what bar charts need, so the rest of chart.js is tree-shaken away.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface ChartSeries {
  readonly label: string;
  readonly data: readonly number[];
  readonly color: string;
}

/** A (stacked) bar chart on chart.js; updates in place when its inputs change. */
@Component({
  selector: 'plx-bar-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<canvas #canvas role="img" [attr.aria-label]="label()"></canvas>`,
  styles: `
    :host {
      display: block;
      position: relative;
      height: 240px;
    }
  `,
})
export class BarChart {
  readonly labels = input.required<readonly string[]>();
  readonly series = input.required<readonly ChartSeries[]>();
  readonly stacked = input(true);
  /** Accessible description of the chart. */
  readonly label = input('');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart<'bar'> | null = null;

  constructor() {
    afterRenderEffect(() => {
      const data: ChartConfiguration<'bar'>['data'] = {
        labels: [...this.labels()],
        datasets: this.series().map((s) => ({
          label: s.label,
          data: [...s.data],
          backgroundColor: s.color,
          borderRadius: 3,
          maxBarThickness: 28,
        })),
      };
      if (this.chart) {
        this.chart.data = data;
        this.chart.update();
        return;
      }
      const stacked = this.stacked();
      this.chart = new Chart<'bar'>(this.canvas().nativeElement, {
        type: 'bar',
        data,
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: 'index', intersect: false },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
          scales: {
            x: { stacked, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
            y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      });
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }
}
