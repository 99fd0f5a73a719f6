import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type MeterTone = 'ok' | 'warn' | 'over';

/** A labelled usage bar: green, amber from the warning share, red when exhausted. */
@Component({
  selector: 'plx-meter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="head">
      <span class="name">{{ name() }}</span>
      <span class="value">{{ label() }}</span>
    </div>
    <div
      class="track"
      role="meter"
      [attr.aria-label]="name()"
      aria-valuemin="0"
      aria-valuemax="100"
      [attr.aria-valuenow]="percent()"
    >
      <div class="fill" [class]="tone()" [style.width.%]="percent()"></div>
    </div>
    @if (detail()) {
      <div class="detail">{{ detail() }}</div>
    }
  `,
  styles: `
    :host {
      display: block;
      min-width: 200px;
    }
    .head {
      display: flex;
      justify-content: space-between;
      gap: 12px;
      font: var(--mat-sys-body-small);
    }
    .name {
      font-weight: 500;
    }
    .track {
      height: 8px;
      border-radius: 4px;
      background: var(--mat-sys-surface-container-highest);
      overflow: hidden;
      margin: 4px 0;
    }
    .fill {
      height: 100%;
      border-radius: 4px;
    }
    .ok {
      background: #1f9d74;
    }
    .warn {
      background: #d89b1f;
    }
    .over {
      background: var(--mat-sys-error);
    }
    .detail {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class Meter {
  readonly name = input.required<string>();
  readonly label = input('');
  /** 0–100. */
  readonly percent = input.required<number>();
  readonly tone = input<MeterTone>('ok');
  readonly detail = input('');
}
