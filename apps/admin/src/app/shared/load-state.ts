import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';

/** Loading bar, error banner with retry, or the empty text; projects the content otherwise. */
@Component({
  selector: 'plx-load-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatProgressBarModule, MatButtonModule],
  template: `
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading" />
    }
    @if (error(); as message) {
      <div class="banner error" role="alert">
        <span>{{ message }}</span>
        <button matButton type="button" (click)="retry.emit()">Retry</button>
      </div>
    } @else if (empty() && !loading()) {
      <div class="banner empty" data-testid="empty-state">
        <ng-content select="[empty]" />
      </div>
    } @else {
      <ng-content />
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .banner {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 16px;
      padding: 16px;
      border-radius: 12px;
      margin: 8px 0;
    }
    .error {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .empty {
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface-variant);
      justify-content: center;
      padding: 32px;
    }
  `,
})
export class LoadState {
  readonly loading = input(false);
  readonly error = input<string | null | undefined>(null);
  readonly empty = input(false);
  readonly retry = output();
}
