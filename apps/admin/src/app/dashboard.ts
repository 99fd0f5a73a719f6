import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';

const HEALTH_POLL_MS = 15_000;

/** GET /health (plain text 'OK' when healthy). Throws with a readable message on anything else. */
async function fetchHealth(abortSignal: AbortSignal): Promise<string> {
  const res = await fetch('/health', { cache: 'no-store', signal: abortSignal });
  const body = (await res.text()).trim();
  if (!res.ok) {
    throw new Error(`HTTP ${res.status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
  return body;
}

@Component({
  selector: 'plx-dashboard',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatButtonModule],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>Plexus gateway — admin console coming soon</mat-card-title>
      </mat-card-header>
      <mat-card-content>
        <p class="status" [class.ok]="healthy()" [class.bad]="health.status() === 'error'" role="status">
          Gateway: {{ statusText() }}
        </p>
      </mat-card-content>
      <mat-card-actions>
        <button matButton (click)="health.reload()" [disabled]="health.isLoading()">Refresh</button>
      </mat-card-actions>
    </mat-card>
  `,
  styles: `
    .status {
      font: var(--mat-sys-title-medium);
    }
    .ok {
      color: var(--mat-sys-primary);
    }
    .bad {
      color: var(--mat-sys-error);
    }
  `,
})
export class Dashboard {
  protected readonly health = resource({
    loader: ({ abortSignal }) => fetchHealth(abortSignal),
  });

  protected readonly healthy = computed(() => this.health.hasValue() && this.health.value() === 'OK');

  protected readonly statusText = computed(() => {
    const error = this.health.error();
    if (error) {
      return `error — ${error.message}`;
    }
    if (this.health.hasValue()) {
      const value = this.health.value();
      return value === 'OK' ? 'OK' : `unexpected response "${value}"`;
    }
    return 'checking…';
  });

  constructor() {
    const timer = setInterval(() => this.health.reload(), HEALTH_POLL_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
