import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { cooldownsControllerClear } from '../api/fn/management-cooldowns/cooldowns-controller-clear';
import { cooldownsControllerList } from '../api/fn/management-cooldowns/cooldowns-controller-list';
import { quotaMetersControllerCheck } from '../api/fn/management-quotas-provider/quota-meters-controller-check';
import { quotaMetersControllerList } from '../api/fn/management-quotas-provider/quota-meters-controller-list';
import { providersControllerDelete } from '../api/fn/management-providers/providers-controller-delete';
import { providersControllerList } from '../api/fn/management-providers/providers-controller-list';
import { providersControllerPatch } from '../api/fn/management-providers/providers-controller-patch';
import { problemOf } from '../core/api-problem';
import { confirm } from '../shared/confirm-dialog';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { Meter } from '../shared/meter';
import { PageHeader } from '../shared/page-header';
import { cooldownsByProvider, type CooldownView } from './cooldown-view';
import { providerQuotasOf, type ProviderQuotaView } from './provider-meters';
import { providerViewsOf, type ProviderView } from './provider-model';

const MODELS_SHOWN = 6;

@Component({
  selector: 'plx-provider-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    MatButtonModule,
    MatTableModule,
    MatChipsModule,
    MatSlideToggleModule,
    LoadState,
    Meter,
    PageHeader,
  ],
  template: `
    <plx-page-header heading="Providers" subtitle="Upstream endpoints the gateway routes to">
      <button matButton type="button" (click)="refresh()">Refresh</button>
      <a matButton="filled" routerLink="new" data-testid="add-provider">Add provider</a>
    </plx-page-header>
    <plx-load-state
      [loading]="providers.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="providers.reload()"
    >
      <span empty>No providers yet. Add one to start routing requests.</span>
      <table mat-table [dataSource]="rows()" class="table" aria-label="Providers">
        <ng-container matColumnDef="slug">
          <th mat-header-cell *matHeaderCellDef>Slug</th>
          <td mat-cell *matCellDef="let p">
            <a [routerLink]="[p.slug]" class="slug">{{ p.slug }}</a>
          </td>
        </ng-container>
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef>Display name</th>
          <td mat-cell *matCellDef="let p">{{ p.displayName ?? '—' }}</td>
        </ng-container>
        <ng-container matColumnDef="urls">
          <th mat-header-cell *matHeaderCellDef>URL(s)</th>
          <td mat-cell *matCellDef="let p">
            @for (entry of p.urls; track entry.type) {
              <div class="url">
                @if (entry.type) {
                  <span class="type">{{ entry.type }}</span>
                }
                {{ entry.url }}
              </div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="enabled">
          <th mat-header-cell *matHeaderCellDef>Enabled</th>
          <td mat-cell *matCellDef="let p">
            <mat-slide-toggle
              [checked]="p.enabled"
              [disabled]="switching() === p.slug || managed().has(p.slug)"
              (change)="setEnabled(p, $event.checked, $event.source)"
              [attr.data-testid]="'enabled-' + p.slug"
              >{{ p.enabled ? 'enabled' : 'disabled' }}</mat-slide-toggle
            >
          </td>
        </ng-container>
        <ng-container matColumnDef="quota">
          <th mat-header-cell *matHeaderCellDef>Quota</th>
          <td mat-cell *matCellDef="let p" class="quota">
            @for (q of quotas().get(p.slug) ?? []; track q.checkerId) {
              @for (m of q.meters; track m.name) {
                <plx-meter
                  [name]="m.name"
                  [label]="m.label"
                  [percent]="m.percent"
                  [tone]="m.tone"
                  [detail]="m.detail"
                />
              }
              @if (q.error) {
                <div class="check-error" [title]="q.error">check failed: {{ q.error }}</div>
              }
              <button
                matButton
                type="button"
                class="small"
                (click)="checkNow(q)"
                [disabled]="checking() === q.checkerId"
              >
                Check now
              </button>
            } @empty {
              <span class="muted">no checker</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="cooldowns">
          <th mat-header-cell *matHeaderCellDef>Cooldowns</th>
          <td mat-cell *matCellDef="let p">
            @for (c of cooling().get(p.slug) ?? []; track c.model) {
              <div class="cooldown" [title]="c.lastError ?? ''">
                <span class="badge off">{{ c.label }} · {{ c.remaining }}</span>
                <button
                  matButton
                  type="button"
                  class="small"
                  (click)="clearCooldown(c)"
                  [attr.aria-label]="'Clear cooldown of ' + c.label"
                >
                  Clear
                </button>
              </div>
            } @empty {
              <span class="muted">none</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="models">
          <th mat-header-cell *matHeaderCellDef>Models</th>
          <td mat-cell *matCellDef="let p">
            <mat-chip-set aria-label="Models">
              @for (model of p.models.slice(0, modelsShown); track model) {
                <mat-chip>{{ model }}</mat-chip>
              }
              @if (p.models.length > modelsShown) {
                <mat-chip>+{{ p.models.length - modelsShown }}</mat-chip>
              }
            </mat-chip-set>
          </td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let p" class="actions">
            @if (managed().has(p.slug)) {
              <span class="badge" [title]="managedHint">config file</span>
            } @else {
              <a matButton [routerLink]="[p.slug]">Edit</a>
              <button matButton type="button" class="danger" (click)="remove(p)">Delete</button>
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" [attr.data-testid]="'provider-' + row.slug"></tr>
      </table>
    </plx-load-state>
  `,
  styleUrl: '../shared/table.scss',
  styles: `
    .cooldown {
      display: flex;
      align-items: center;
      gap: 4px;
      white-space: nowrap;
    }
    .small {
      --mat-button-text-container-height: 28px;
    }
    .url {
      min-width: 180px;
    }
    .check-error {
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
      max-width: 220px;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `,
})
export class ProviderList {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly columns = ['slug', 'name', 'urls', 'enabled', 'quota', 'cooldowns', 'models', 'actions'];
  protected readonly modelsShown = MODELS_SHOWN;
  protected readonly providers = resource({ loader: () => this.api.invoke(providersControllerList) });
  protected readonly rows = computed(() => (this.providers.hasValue() ? providerViewsOf(this.providers.value()) : []));
  protected readonly managed = computed(() =>
    managedNames(this.providers.hasValue() ? this.providers.value() : undefined),
  );
  protected readonly managedHint = MANAGED_HINT;
  protected readonly cooldowns = resource({ loader: () => this.api.invoke(cooldownsControllerList) });
  protected readonly cooling = computed(() =>
    this.cooldowns.hasValue() ? cooldownsByProvider(this.cooldowns.value()) : new Map<string, CooldownView[]>(),
  );
  protected readonly switching = signal<string | null>(null);
  protected readonly meters = resource({ loader: () => this.api.invoke(quotaMetersControllerList) });
  protected readonly quotas = computed(() =>
    this.meters.hasValue() ? providerQuotasOf(this.meters.value()) : new Map<string, ProviderQuotaView[]>(),
  );
  protected readonly checking = signal<string | null>(null);
  protected readonly loadError = computed(() => {
    const error = this.providers.error();
    return error ? `Could not load providers: ${problemOf(error).message}` : null;
  });

  protected refresh(): void {
    this.providers.reload();
    this.cooldowns.reload();
    this.meters.reload();
  }

  protected async checkNow(quota: ProviderQuotaView): Promise<void> {
    this.checking.set(quota.checkerId);
    try {
      await this.api.invoke(quotaMetersControllerCheck, { checkerId: quota.checkerId });
    } catch (error) {
      this.snack.open(`Could not check: ${problemOf(error).message}`, 'Dismiss');
    }
    this.checking.set(null);
    this.meters.reload();
  }

  /** Disabling stops routing to the provider, so it asks first; enabling does not. */
  protected async setEnabled(provider: ProviderView, enabled: boolean, toggle: { checked: boolean }): Promise<void> {
    if (!enabled) {
      const sure = await confirm(this.dialog, {
        title: `Disable provider '${provider.slug}'?`,
        message:
          'Requests are no longer routed to it until it is enabled again; aliases fall back to their other targets.',
        confirmLabel: 'Disable',
        danger: true,
      });
      if (!sure) {
        toggle.checked = true;
        return;
      }
    }
    this.switching.set(provider.slug);
    try {
      await this.api.invoke(providersControllerPatch, { slug: provider.slug, body: { enabled } });
      this.snack.open(`Provider '${provider.slug}' ${enabled ? 'enabled' : 'disabled'}`, undefined, { duration: 3000 });
    } catch (error) {
      toggle.checked = !enabled;
      this.snack.open(`Could not ${enabled ? 'enable' : 'disable'}: ${problemOf(error).message}`, 'Dismiss');
    }
    this.switching.set(null);
    this.providers.reload();
  }

  protected async clearCooldown(cooldown: CooldownView): Promise<void> {
    const what = cooldown.model === '' ? `provider '${cooldown.provider}'` : `${cooldown.provider}/${cooldown.model}`;
    const sure = await confirm(this.dialog, {
      title: `Clear the cooldown of ${what}?`,
      message: 'Requests are routed to it again at once, even if the upstream is still failing.',
      confirmLabel: 'Clear cooldown',
    });
    if (!sure) return;
    try {
      await this.api.invoke(cooldownsControllerClear, {
        provider: cooldown.provider,
        ...(cooldown.model !== '' && { model: cooldown.model }),
      });
      this.snack.open(`Cooldown of ${what} cleared`, undefined, { duration: 3000 });
    } catch (error) {
      this.snack.open(`Could not clear: ${problemOf(error).message}`, 'Dismiss');
    }
    this.cooldowns.reload();
  }

  protected async remove(provider: ProviderView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Delete provider '${provider.slug}'?`,
      message: 'Requests can no longer be routed to it. This cannot be undone.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.invoke(providersControllerDelete, { slug: provider.slug });
      this.snack.open(`Provider '${provider.slug}' deleted`, undefined, { duration: 4000 });
    } catch (error) {
      const problem = problemOf(error);
      if (problem.status !== 409) {
        this.snack.open(`Could not delete: ${problem.message}`, 'Dismiss');
        return;
      }
      await this.removeWithTargets(provider, problem.message);
    }
    this.providers.reload();
  }

  /** 409: aliases still target the provider; deleting with cascade also removes those targets. */
  private async removeWithTargets(provider: ProviderView, reason: string): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `'${provider.slug}' is in use`,
      message: `${reason}\n\nDelete the provider and remove its targets from those aliases?`,
      confirmLabel: 'Delete with targets',
      danger: true,
    });
    if (!sure) return;
    try {
      const result = await this.api.invoke(providersControllerDelete, { slug: provider.slug, cascade: 'true' });
      const removed = result.removedTargets?.length ?? 0;
      this.snack.open(`Provider '${provider.slug}' deleted with ${removed} alias target(s)`, undefined, {
        duration: 5000,
      });
    } catch (error) {
      this.snack.open(`Could not delete: ${problemOf(error).message}`, 'Dismiss');
    }
  }
}
