import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { Api } from '../api/api';
import { selfControllerRotate } from '../api/fn/management-auth/self-controller-rotate';
import { selfQuotaControllerQuota } from '../api/fn/management-auth/self-quota-controller-quota';
import { usageControllerSummary } from '../api/fn/management-usage/usage-controller-summary';
import { AdminSession } from '../core/admin-session';
import { problemOf } from '../core/api-problem';
import { SecretDialog, type SecretDialogData } from '../keys/secret-dialog';
import { quotaMeterOf } from '../quotas/quota-model';
import { AttributionUsageTable, attributionsByKey } from '../shared/attribution-usage';
import { confirm } from '../shared/confirm-dialog';
import { formatCount, formatDateTime, formatDuration, formatInt, formatUsd } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { Meter } from '../shared/meter';
import { PageHeader } from '../shared/page-header';

/** A key holder's own page: its quotas now, and its usage today and this week (the server filters to the key). */
@Component({
  selector: 'plx-my-usage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatCardModule, AttributionUsageTable, LoadState, Meter, PageHeader],
  template: `
    <plx-page-header heading="My usage" [subtitle]="'API key ' + (session.identity().keyName ?? '')">
      <button matButton type="button" (click)="refresh()">Refresh</button>
    </plx-page-header>

    <mat-card appearance="outlined" class="card">
      <mat-card-content>
        <h2>Quotas</h2>
        <plx-load-state
          [loading]="quota.isLoading()"
          [error]="quotaError()"
          [empty]="meters().length === 0"
          (retry)="quota.reload()"
        >
          <span empty>This key has no quota: it is limited only by the gateway's own limits.</span>
          <div class="meters" data-testid="my-quotas">
            @for (m of meters(); track m.name) {
              <plx-meter
                [name]="m.name"
                [label]="m.label"
                [percent]="m.percent"
                [tone]="m.tone"
                [detail]="m.description + ' · resets ' + when(m.resetsAt)"
              />
            }
          </div>
        </plx-load-state>
        @if (concurrency(); as c) {
          <p class="muted">In flight now: {{ int(c.inFlight) }} of at most {{ int(c.limit) }}</p>
        }
      </mat-card-content>
    </mat-card>

    <plx-load-state [loading]="summary.isLoading()" [error]="summaryError()" (retry)="summary.reload()">
      @if (summary.hasValue()) {
        @let today = summary.value().today;
        @let week = summary.value().stats;
        <div class="stats">
          <mat-card appearance="outlined" class="stat">
            <span class="label">Requests today</span>
            <span class="value" data-testid="my-requests-today">{{ int(today.requests) }}</span>
            <span class="sub">{{ int(today.errors) }} failed</span>
          </mat-card>
          <mat-card appearance="outlined" class="stat">
            <span class="label">Tokens today</span>
            <span class="value">{{ count(today.inputTokens + today.outputTokens) }}</span>
            <span class="sub">{{ count(today.inputTokens) }} in · {{ count(today.outputTokens) }} out</span>
          </mat-card>
          <mat-card appearance="outlined" class="stat">
            <span class="label">Cost today</span>
            <span class="value">{{ usd(today.totalCost) }}</span>
            <span class="sub">{{ usd(week.totalCost) }} in 7 days</span>
          </mat-card>
          <mat-card appearance="outlined" class="stat">
            <span class="label">Last 7 days</span>
            <span class="value">{{ int(week.totalRequests) }}</span>
            <span class="sub">requests · avg {{ duration(week.avgDurationMs) }}</span>
          </mat-card>
        </div>
        @if (attributions(); as rows) {
          <mat-card appearance="outlined" class="card attribution-card">
            <mat-card-content>
              <h2>By attribution, last 30 days</h2>
              <plx-attribution-usage [keyName]="session.identity().keyName ?? ''" [rows]="rows" />
            </mat-card-content>
          </mat-card>
        }
      }
    </plx-load-state>
    <div class="actions">
      <a matButton routerLink="/logs">See each request in the log</a>
      <button matButton type="button" class="danger" (click)="rotate()" data-testid="rotate">Rotate my key</button>
    </div>
  `,
  styles: `
    .actions {
      display: flex;
      gap: 8px;
      margin-top: 16px;
    }
    .danger {
      --mat-button-text-label-text-color: var(--mat-sys-error);
    }
    .card {
      margin-bottom: 16px;
      max-width: 880px;
    }
    h2 {
      font: var(--mat-sys-title-medium);
      margin: 0 0 12px;
    }
    .meters {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    .stats {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
      gap: 12px;
      max-width: 880px;
    }
    .stat {
      padding: 16px;
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .label,
    .sub {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .value {
      font: var(--mat-sys-headline-small);
    }
    .attribution-card {
      margin-top: 16px;
    }
  `,
})
export class MyUsage {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  protected readonly session = inject(AdminSession);

  protected readonly quota = resource({ loader: () => this.api.invoke(selfQuotaControllerQuota) });
  protected readonly meters = computed(() =>
    this.quota.hasValue() ? this.quota.value().quotas.map(quotaMeterOf) : [],
  );
  protected readonly concurrency = computed(() => (this.quota.hasValue() ? this.quota.value().concurrency : null));
  protected readonly quotaError = computed(() => {
    const error = this.quota.error();
    return error ? `Could not load quotas: ${problemOf(error).message}` : null;
  });
  protected readonly summary = resource({ loader: () => this.api.invoke(usageControllerSummary, { range: 'day' }) });
  /** This key's usage per `:label` suffix, when it was used with any. */
  protected readonly attributions = computed(() =>
    this.summary.hasValue() ? ([...attributionsByKey(this.summary.value().byAttribution).values()][0] ?? null) : null,
  );
  protected readonly summaryError = computed(() => {
    const error = this.summary.error();
    return error ? `Could not load usage: ${problemOf(error).message}` : null;
  });

  protected readonly int = formatInt;
  protected readonly count = formatCount;
  protected readonly usd = formatUsd;
  protected readonly duration = formatDuration;
  protected when(iso: string): string {
    return formatDateTime(Date.parse(iso));
  }

  /** A new secret for this key, shown once; this session switches to it, other clients must follow. */
  protected async rotate(): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: 'Rotate your key?',
      message:
        'A new secret is made and shown once. The current secret stops working at once: update every client that uses it.',
      confirmLabel: 'Rotate',
      danger: true,
    });
    if (!sure) return;
    try {
      const result = await this.api.invoke(selfControllerRotate);
      this.session.signIn(result.secret, this.session.identity());
      const ref = this.dialog.open<SecretDialog, SecretDialogData>(SecretDialog, {
        data: { name: result.keyName, secret: result.secret, rotated: true },
        disableClose: true,
        width: '520px',
      });
      await firstValueFrom(ref.afterClosed());
    } catch (error) {
      this.snack.open(`Could not rotate: ${problemOf(error).message}`, 'Dismiss');
    }
  }

  protected refresh(): void {
    this.quota.reload();
    this.summary.reload();
  }
}
