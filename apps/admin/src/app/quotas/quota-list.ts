import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { keysControllerList } from '../api/fn/management-keys/keys-controller-list';
import { quotaStatusControllerClear } from '../api/fn/management-quotas-user/quota-status-controller-clear';
import { quotaStatusControllerRecompute } from '../api/fn/management-quotas-user/quota-status-controller-recompute';
import { quotaStatusControllerStatus } from '../api/fn/management-quotas-user/quota-status-controller-status';
import { userQuotasControllerDelete } from '../api/fn/management-quotas-user/user-quotas-controller-delete';
import { userQuotasControllerList } from '../api/fn/management-quotas-user/user-quotas-controller-list';
import { problemOf } from '../core/api-problem';
import { confirm } from '../shared/confirm-dialog';
import { formatDateTime, formatInt } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { Meter } from '../shared/meter';
import { PageHeader } from '../shared/page-header';
import { describeQuota, quotaMeterOf, quotaViewsOf, type QuotaView } from './quota-model';

/** Quota definitions, and the live state of the quotas a chosen key holds. */
@Component({
  selector: 'plx-quota-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatSelectModule,
    MatTableModule,
    LoadState,
    Meter,
    PageHeader,
  ],
  template: `
    <plx-page-header heading="Quotas" subtitle="Usage limits that keys hold (assign them on the key's page)">
      <a matButton="filled" routerLink="new" data-testid="add-quota">Add quota</a>
    </plx-page-header>
    <plx-load-state
      [loading]="quotas.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="quotas.reload()"
    >
      <span empty>No quotas yet. Add one, then assign it to keys.</span>
      <table mat-table [dataSource]="rows()" class="table" aria-label="Quotas">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef>Name</th>
          <td mat-cell *matCellDef="let q">
            <a [routerLink]="[q.name]" class="slug">{{ q.name }}</a>
          </td>
        </ng-container>
        <ng-container matColumnDef="limit">
          <th mat-header-cell *matHeaderCellDef>Limit</th>
          <td mat-cell *matCellDef="let q">{{ describe(q) }}</td>
        </ng-container>
        <ng-container matColumnDef="warn">
          <th mat-header-cell *matHeaderCellDef>Warn at</th>
          <td mat-cell *matCellDef="let q">{{ q.warnAt === undefined ? '—' : percent(q.warnAt) }}</td>
        </ng-container>
        <ng-container matColumnDef="shared">
          <th mat-header-cell *matHeaderCellDef>Bucket</th>
          <td mat-cell *matCellDef="let q">
            <span class="badge">{{ q.shared ? 'shared by its keys' : 'per key' }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let q" class="actions">
            @if (managed().has(q.name)) {
              <span class="badge" [title]="managedHint">config file</span>
            } @else {
              <a matButton [routerLink]="[q.name]">Edit</a>
              <button matButton type="button" class="danger" (click)="remove(q)">Delete</button>
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" [attr.data-testid]="'quota-' + row.name"></tr>
      </table>
    </plx-load-state>

    <mat-card appearance="outlined" class="state">
      <mat-card-content>
        <h2>A key's current state</h2>
        <mat-form-field class="key-pick">
          <mat-label>Key</mat-label>
          <mat-select [value]="keyName()" (valueChange)="keyName.set($event)" data-testid="quota-key">
            @for (name of keyNames(); track name) {
              <mat-option [value]="name">{{ name }}</mat-option>
            }
          </mat-select>
          @if (keyNames().length === 0 && keys.hasValue()) {
            <mat-hint>No keys yet</mat-hint>
          }
        </mat-form-field>
        @if (keyName()) {
          <plx-load-state
            [loading]="status.isLoading()"
            [error]="statusError()"
            [empty]="meters().length === 0"
            (retry)="status.reload()"
          >
            <span empty>'{{ keyName() }}' holds no quota.</span>
            <div class="meters" data-testid="quota-state">
              @for (m of meters(); track m.name) {
                <div class="meter-row">
                  <plx-meter
                    class="grow"
                    [name]="m.name"
                    [label]="m.label"
                    [percent]="m.percent"
                    [tone]="m.tone"
                    [detail]="m.description + ' · resets ' + when(m.resetsAt)"
                  />
                  @if (m.recomputable) {
                    <button
                      matButton
                      type="button"
                      (click)="recompute(m.name)"
                      title="Rebuild the usage from the request log"
                    >
                      Recompute
                    </button>
                  }
                  <button matButton type="button" (click)="clear(m.name)">Reset</button>
                </div>
              }
            </div>
            @if (concurrency(); as c) {
              <p class="muted">In flight now: {{ int(c.inFlight) }} of at most {{ int(c.limit) }}</p>
            }
            @if (meters().length > 1) {
              <button matButton type="button" class="danger" (click)="clear(null)">
                Reset all of this key's quotas
              </button>
            }
          </plx-load-state>
        } @else {
          <p class="muted">Choose a key to see its usage against each quota it holds.</p>
        }
      </mat-card-content>
    </mat-card>
  `,
  styleUrl: '../shared/table.scss',
  styles: `
    .state {
      margin-top: 24px;
    }
    h2 {
      font: var(--mat-sys-title-medium);
      margin: 0 0 12px;
    }
    .key-pick {
      width: 320px;
    }
    .meters {
      display: flex;
      flex-direction: column;
      gap: 12px;
      max-width: 720px;
    }
    .meter-row {
      display: flex;
      gap: 12px;
      align-items: center;
    }
    .grow {
      flex: 1;
    }
  `,
})
export class QuotaList {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly columns = ['name', 'limit', 'warn', 'shared', 'actions'];
  protected readonly quotas = resource({ loader: () => this.api.invoke(userQuotasControllerList) });
  protected readonly rows = computed(() => (this.quotas.hasValue() ? quotaViewsOf(this.quotas.value()) : []));
  protected readonly managed = computed(() => managedNames(this.quotas.hasValue() ? this.quotas.value() : undefined));
  protected readonly managedHint = MANAGED_HINT;
  protected readonly loadError = computed(() => {
    const error = this.quotas.error();
    return error ? `Could not load quotas: ${problemOf(error).message}` : null;
  });

  protected readonly keys = resource({ loader: () => this.api.invoke(keysControllerList) });
  protected readonly keyNames = computed(() => (this.keys.hasValue() ? Object.keys(this.keys.value()).sort() : []));
  protected readonly keyName = signal<string | null>(null);
  protected readonly status = resource({
    params: () => this.keyName() ?? undefined,
    loader: ({ params }) => this.api.invoke(quotaStatusControllerStatus, { key: params }),
  });
  protected readonly meters = computed(() =>
    this.status.hasValue() ? this.status.value().quotas.map(quotaMeterOf) : [],
  );
  protected readonly concurrency = computed(() => (this.status.hasValue() ? this.status.value().concurrency : null));
  protected readonly statusError = computed(() => {
    const error = this.status.error();
    return error ? `Could not load the key's quota state: ${problemOf(error).message}` : null;
  });

  protected readonly describe = describeQuota;
  protected readonly int = formatInt;
  protected percent(share: number): string {
    return `${Math.round(share * 1000) / 10}%`;
  }
  protected when(iso: string): string {
    return formatDateTime(Date.parse(iso));
  }

  protected async remove(quota: QuotaView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Delete quota '${quota.name}'?`,
      message: 'Keys can no longer be assigned it. This cannot be undone.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.invoke(userQuotasControllerDelete, { name: quota.name });
      this.snack.open(`Quota '${quota.name}' deleted`, undefined, { duration: 4000 });
      this.quotas.reload();
    } catch (error) {
      this.snack.open(`Could not delete: ${problemOf(error).message}`, 'Dismiss');
    }
  }

  protected async recompute(quota: string): Promise<void> {
    const key = this.keyName();
    if (key === null) return;
    try {
      const result = await this.api.invoke(quotaStatusControllerRecompute, { body: { key, quota } });
      this.snack.open(result.message, undefined, { duration: 5000 });
    } catch (error) {
      this.snack.open(`Could not recompute: ${problemOf(error).message}`, 'Dismiss');
    }
    this.status.reload();
  }

  /** Resets one quota of the chosen key (or all of them when `quota` is null). */
  protected async clear(quota: string | null): Promise<void> {
    const key = this.keyName();
    if (key === null) return;
    const sure = await confirm(this.dialog, {
      title: quota === null ? `Reset all quotas of '${key}'?` : `Reset '${quota}' for '${key}'?`,
      message: 'The usage counted so far in the current window is forgotten; the key can use the full limit again.',
      confirmLabel: 'Reset',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.invoke(quotaStatusControllerClear, { body: { key, ...(quota !== null && { quota }) } });
      this.snack.open(quota === null ? `Quotas of '${key}' reset` : `'${quota}' reset for '${key}'`, undefined, {
        duration: 4000,
      });
    } catch (error) {
      this.snack.open(`Could not reset: ${problemOf(error).message}`, 'Dismiss');
    }
    this.status.reload();
  }
}
