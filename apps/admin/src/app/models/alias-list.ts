import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { aliasesControllerDeleteAlias } from '../api/fn/management-aliases/aliases-controller-delete-alias';
import { aliasesControllerList } from '../api/fn/management-aliases/aliases-controller-list';
import { problemOf } from '../core/api-problem';
import { confirm } from '../shared/confirm-dialog';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { PageHeader } from '../shared/page-header';
import {
  ALIAS_TYPE_LABELS,
  SELECTOR_LABELS,
  aliasesOf,
  type AliasFormModel,
  type AliasGroupModel,
} from './alias-model';

@Component({
  selector: 'plx-alias-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatTableModule, LoadState, PageHeader],
  template: `
    <plx-page-header heading="Models" subtitle="Aliases clients ask for, and the provider models behind them">
      <a matButton="filled" routerLink="new" data-testid="add-alias">Add alias</a>
    </plx-page-header>
    <plx-load-state
      [loading]="aliases.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="aliases.reload()"
    >
      <span empty>No model aliases yet. Add one to expose provider models to clients.</span>
      <table mat-table [dataSource]="rows()" class="table" aria-label="Model aliases">
        <ng-container matColumnDef="slug">
          <th mat-header-cell *matHeaderCellDef>Alias</th>
          <td mat-cell *matCellDef="let a">
            <a [routerLink]="[a.slug]" class="slug">{{ a.slug }}</a>
            @for (other of a.additional_aliases; track other) {
              <div class="muted">also {{ other }}</div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="type">
          <th mat-header-cell *matHeaderCellDef>Type</th>
          <td mat-cell *matCellDef="let a">{{ typeLabel(a) }}</td>
        </ng-container>
        <ng-container matColumnDef="targets">
          <th mat-header-cell *matHeaderCellDef>Target groups</th>
          <td mat-cell *matCellDef="let a">
            @for (group of a.target_groups; track $index) {
              <div class="group">
                <span class="type">{{ group.name }}</span>
                <span class="muted">{{ selectorLabel(group) }}:</span>
                @for (target of group.targets; track $index; let last = $last) {
                  <span class="url" [class.off]="!target.enabled" [attr.title]="target.enabled ? null : 'disabled'"
                    >{{ target.provider }}/{{ target.model }}</span
                  >{{ last ? '' : ' → ' }}
                }
              </div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="priority">
          <th mat-header-cell *matHeaderCellDef>Priority</th>
          <td mat-cell *matCellDef="let a">{{ a.priority }}</td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let a" class="actions">
            @if (managed().has(a.slug)) {
              <span class="badge" [title]="managedHint">config file</span>
            } @else {
              <a matButton [routerLink]="[a.slug]">Edit</a>
              <button matButton type="button" class="danger" (click)="remove(a)">Delete</button>
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" [attr.data-testid]="'alias-' + row.slug"></tr>
      </table>
    </plx-load-state>
  `,
  styleUrl: '../shared/table.scss',
  styles: `
    .group {
      margin: 2px 0;
    }
    .off {
      text-decoration: line-through;
      opacity: 0.6;
    }
  `,
})
export class AliasList {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly columns = ['slug', 'type', 'targets', 'priority', 'actions'];
  protected readonly aliases = resource({ loader: () => this.api.invoke(aliasesControllerList) });
  protected readonly rows = computed(() => (this.aliases.hasValue() ? aliasesOf(this.aliases.value()) : []));
  protected readonly managed = computed(() => managedNames(this.aliases.hasValue() ? this.aliases.value() : undefined));
  protected readonly managedHint = MANAGED_HINT;
  protected readonly loadError = computed(() => {
    const error = this.aliases.error();
    return error ? `Could not load aliases: ${problemOf(error).message}` : null;
  });

  protected typeLabel(alias: AliasFormModel): string {
    return ALIAS_TYPE_LABELS[alias.type];
  }

  protected selectorLabel(group: AliasGroupModel): string {
    return SELECTOR_LABELS[group.selector];
  }

  protected async remove(alias: AliasFormModel): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: `Delete alias '${alias.slug}'?`,
      message: 'Clients asking for it (or its additional names) will get an unknown-model error.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.invoke(aliasesControllerDeleteAlias, { slug: alias.slug });
      this.snack.open(`Alias '${alias.slug}' deleted`, undefined, { duration: 4000 });
    } catch (error) {
      this.snack.open(`Could not delete: ${problemOf(error).message}`, 'Dismiss');
    }
    this.aliases.reload();
  }
}
