import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { Api } from '../api/api';
import { keysControllerDelete } from '../api/fn/management-keys/keys-controller-delete';
import { keysControllerDisable } from '../api/fn/management-keys/keys-controller-disable';
import { selfControllerRotate } from '../api/fn/management-auth/self-controller-rotate';
import { keysControllerList } from '../api/fn/management-keys/keys-controller-list';
import { usageControllerSummary } from '../api/fn/management-usage/usage-controller-summary';
import type { UsageBreakdownRowDto } from '../api/models/usage-breakdown-row-dto';
import { problemOf } from '../core/api-problem';
import { AttributionUsageTable, attributionsByKey, type AttributionUsage } from '../shared/attribution-usage';
import { confirm } from '../shared/confirm-dialog';
import { formatCount, formatDateTime, formatInt, formatUsd } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { PageHeader } from '../shared/page-header';
import { accessSummary, keyStatus, keyViewsOf, type KeyView } from './key-model';
import { SecretDialog, type SecretDialogData } from './secret-dialog';

@Component({
  selector: 'plx-key-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatTableModule, AttributionUsageTable, LoadState, PageHeader],
  template: `
    <plx-page-header heading="Keys" subtitle="API keys clients use to call the gateway">
      <a matButton="filled" routerLink="new" data-testid="add-key">Create key</a>
    </plx-page-header>
    <plx-load-state
      [loading]="keys.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="keys.reload()"
    >
      <span empty>No API keys yet. Create one for each app or person that calls the gateway.</span>
      <table mat-table [dataSource]="rows()" class="table" aria-label="API keys">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef>Name</th>
          <td mat-cell *matCellDef="let k">
            <a [routerLink]="[k.name]" class="slug">{{ k.name }}</a>
            @if (k.comment) {
              <div class="muted">{{ k.comment }}</div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="secret">
          <th mat-header-cell *matHeaderCellDef>Secret</th>
          <td mat-cell *matCellDef="let k">
            <span class="url">{{ k.secret }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="access">
          <th mat-header-cell *matHeaderCellDef>Access</th>
          <td mat-cell *matCellDef="let k">
            @for (line of access(k); track line) {
              <div class="url">{{ line }}</div>
            } @empty {
              <span class="muted">all models and providers</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="usage">
          <th mat-header-cell *matHeaderCellDef>Last 30 days</th>
          <td mat-cell *matCellDef="let k">
            @if (usageOf(k.name); as u) {
              <div>{{ int(u.requests) }} requests · {{ count(u.tokens) }} tokens</div>
              <div class="muted">{{ usd(u.cost) }}{{ u.errors > 0 ? ' · ' + int(u.errors) + ' failed' : '' }}</div>
              @if (attributionsOf(k.name); as attributions) {
                <plx-attribution-usage [keyName]="k.name" [rows]="attributions" />
              }
            } @else {
              <span class="muted">{{ usage.isLoading() ? '…' : 'no requests' }}</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef>Status</th>
          <td mat-cell *matCellDef="let k">
            <span class="badge" [class.off]="status(k) !== 'active'">{{ status(k) }}</span>
            @if (k.expiresAt !== null) {
              <div class="muted">expires {{ when(k.expiresAt) }}</div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let k" class="actions">
            @if (managed().has(k.name)) {
              <span class="badge" [title]="managedHint">config file</span>
            } @else {
              <a matButton [routerLink]="[k.name]">Edit</a>
              <button matButton type="button" (click)="rotate(k)">Rotate</button>
              @if (k.disabledAt === null) {
                <button matButton type="button" (click)="disable(k)">Disable</button>
              }
              <button matButton type="button" class="danger" (click)="remove(k)">Delete</button>
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" [attr.data-testid]="'key-' + row.name"></tr>
      </table>
    </plx-load-state>
  `,
  styleUrl: '../shared/table.scss',
})
export class KeyList {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly columns = ['name', 'secret', 'access', 'usage', 'status', 'actions'];
  protected readonly keys = resource({ loader: () => this.api.invoke(keysControllerList) });
  protected readonly rows = computed(() => (this.keys.hasValue() ? keyViewsOf(this.keys.value()) : []));
  protected readonly managed = computed(() => managedNames(this.keys.hasValue() ? this.keys.value() : undefined));
  protected readonly managedHint = MANAGED_HINT;
  /** Each key's requests, tokens and cost over the last 30 days (the summary's per-key breakdown). */
  protected readonly usage = resource({
    loader: () => this.api.invoke(usageControllerSummary, { range: 'day', limit: 100 }),
  });
  private readonly usageByKey = computed(
    () => new Map((this.usage.hasValue() ? this.usage.value().byKey : []).map((row) => [row.name, row])),
  );
  /** Keys used with `:label` suffixes: their usage per label, over the same 30 days. */
  private readonly usageByAttribution = computed(() =>
    attributionsByKey(this.usage.hasValue() ? this.usage.value().byAttribution : []),
  );
  protected readonly int = formatInt;
  protected readonly count = formatCount;
  protected readonly usd = formatUsd;

  protected usageOf(name: string): UsageBreakdownRowDto | undefined {
    return this.usageByKey().get(name);
  }

  protected attributionsOf(name: string): AttributionUsage[] | undefined {
    return this.usageByAttribution().get(name);
  }
  protected readonly loadError = computed(() => {
    const error = this.keys.error();
    return error ? `Could not load keys: ${problemOf(error).message}` : null;
  });

  /** A new secret for the key, shown once; clients using the old one are refused from now on. */
  protected async rotate(key: KeyView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Rotate the secret of '${key.name}'?`,
      message:
        'A new secret is made and shown once. The current secret stops working at once: every client using it must be updated.',
      confirmLabel: 'Rotate',
      danger: true,
    });
    if (!sure) return;
    try {
      const result = await this.api.invoke(selfControllerRotate, { keyName: key.name });
      const ref = this.dialog.open<SecretDialog, SecretDialogData>(SecretDialog, {
        data: { name: key.name, secret: result.secret, rotated: true },
        disableClose: true,
        width: '520px',
      });
      await firstValueFrom(ref.afterClosed());
    } catch (error) {
      this.snack.open(`Could not rotate: ${problemOf(error).message}`, 'Dismiss');
    }
    this.keys.reload();
  }

  protected access(key: KeyView): string[] {
    return accessSummary(key);
  }

  protected status(key: KeyView): string {
    return keyStatus(key, Date.now());
  }

  protected when(epochMs: number): string {
    return formatDateTime(epochMs);
  }

  protected async disable(key: KeyView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Disable key '${key.name}'?`,
      message: 'Requests with this key will be refused. The API cannot enable a disabled key again.',
      confirmLabel: 'Disable',
      danger: true,
    });
    if (!sure) return;
    await this.act(() => this.api.invoke(keysControllerDisable, { name: key.name }), `Key '${key.name}' disabled`);
  }

  protected async remove(key: KeyView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Delete key '${key.name}'?`,
      message: 'Clients using it lose access at once. This cannot be undone.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    await this.act(() => this.api.invoke(keysControllerDelete, { name: key.name }), `Key '${key.name}' deleted`);
  }

  private async act(call: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await call();
      this.snack.open(done, undefined, { duration: 4000 });
    } catch (error) {
      this.snack.open(`Failed: ${problemOf(error).message}`, 'Dismiss');
    }
    this.keys.reload();
  }
}
