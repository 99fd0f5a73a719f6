import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { providersControllerDelete } from '../api/fn/management-providers/providers-controller-delete';
import { providersControllerList } from '../api/fn/management-providers/providers-controller-list';
import { problemOf } from '../core/api-problem';
import { confirm } from '../shared/confirm-dialog';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';
import { providerViewsOf, type ProviderView } from './provider-model';

const MODELS_SHOWN = 6;

@Component({
  selector: 'plx-provider-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatTableModule, MatChipsModule, LoadState, PageHeader],
  template: `
    <plx-page-header heading="Providers" subtitle="Upstream endpoints the gateway routes to">
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
          <td mat-cell *matCellDef="let p"><a [routerLink]="[p.slug]" class="slug">{{ p.slug }}</a></td>
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
            <span class="badge" [class.off]="!p.enabled">{{ p.enabled ? 'enabled' : 'disabled' }}</span>
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
            <a matButton [routerLink]="[p.slug]">Edit</a>
            <button matButton type="button" class="danger" (click)="remove(p)">Delete</button>
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" [attr.data-testid]="'provider-' + row.slug"></tr>
      </table>
    </plx-load-state>
  `,
  styleUrl: '../shared/table.scss',
})
export class ProviderList {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly columns = ['slug', 'name', 'urls', 'enabled', 'models', 'actions'];
  protected readonly modelsShown = MODELS_SHOWN;
  protected readonly providers = resource({ loader: () => this.api.invoke(providersControllerList) });
  protected readonly rows = computed(() => (this.providers.hasValue() ? providerViewsOf(this.providers.value()) : []));
  protected readonly loadError = computed(() => {
    const error = this.providers.error();
    return error ? `Could not load providers: ${problemOf(error).message}` : null;
  });

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
      this.snack.open(`Provider '${provider.slug}' deleted with ${removed} alias target(s)`, undefined, { duration: 5000 });
    } catch (error) {
      this.snack.open(`Could not delete: ${problemOf(error).message}`, 'Dismiss');
    }
  }
}
