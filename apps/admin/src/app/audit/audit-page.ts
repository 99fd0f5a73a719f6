import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatTableModule } from '@angular/material/table';
import { Api } from '../api/api';
import { auditControllerList } from '../api/fn/management-audit/audit-controller-list';
import { problemOf } from '../core/api-problem';
import { formatDateTime } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';

/** Who changed what through the management API, newest first. */
@Component({
  selector: 'plx-audit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatTableModule,
    LoadState,
    PageHeader,
  ],
  template: `
    <plx-page-header
      heading="Audit log"
      subtitle="Every change made through the management API: who, what and how it ended"
    >
      <button matButton type="button" (click)="entries.reload()" data-testid="refresh">Refresh</button>
    </plx-page-header>
    <mat-form-field subscriptSizing="dynamic" class="actor">
      <mat-label>Actor</mat-label>
      <input
        matInput
        [value]="actor()"
        (change)="setActor($any($event.target).value)"
        placeholder="admin-key, a key name or a user"
        data-testid="audit-actor"
      />
    </mat-form-field>
    <plx-load-state
      [loading]="entries.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="entries.reload()"
    >
      <span empty>{{ actor() ? 'Nothing by this actor.' : 'No changes recorded yet.' }}</span>
      <table mat-table [dataSource]="rows()" class="table" aria-label="Audit log">
        <ng-container matColumnDef="date">
          <th mat-header-cell *matHeaderCellDef>Time</th>
          <td mat-cell *matCellDef="let e">{{ time(e.date) }}</td>
        </ng-container>
        <ng-container matColumnDef="actor">
          <th mat-header-cell *matHeaderCellDef>Actor</th>
          <td mat-cell *matCellDef="let e">
            {{ e.actor }} <span class="badge">{{ e.actorKind }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="change">
          <th mat-header-cell *matHeaderCellDef>Change</th>
          <td mat-cell *matCellDef="let e">
            <span class="url">{{ e.method }} {{ e.path }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef>Status</th>
          <td mat-cell *matCellDef="let e">
            <span class="badge" [class.off]="e.status >= 400">{{ e.status }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="from">
          <th mat-header-cell *matHeaderCellDef>From</th>
          <td mat-cell *matCellDef="let e" class="muted">{{ e.sourceIp ?? '—' }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" data-testid="audit-row"></tr>
      </table>
      <mat-paginator
        [length]="total()"
        [pageIndex]="pageIndex()"
        [pageSize]="pageSize()"
        [pageSizeOptions]="[25, 50, 100]"
        (page)="page($event)"
        aria-label="Pages of the audit log"
      />
    </plx-load-state>
  `,
  styleUrl: '../shared/table.scss',
  styles: `
    .actor {
      width: 320px;
      margin-bottom: 8px;
    }
  `,
})
export class AuditPage {
  private readonly api = inject(Api);

  protected readonly columns = ['date', 'actor', 'change', 'status', 'from'];
  protected readonly actor = signal('');
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(50);
  protected readonly entries = resource({
    params: () => ({
      limit: this.pageSize(),
      offset: this.pageIndex() * this.pageSize(),
      ...(this.actor() !== '' && { actor: this.actor() }),
    }),
    loader: ({ params }) => this.api.invoke(auditControllerList, params),
  });
  protected readonly rows = computed(() => (this.entries.hasValue() ? this.entries.value().data : []));
  protected readonly total = computed(() => (this.entries.hasValue() ? this.entries.value().total : 0));
  protected readonly loadError = computed(() => {
    const error = this.entries.error();
    return error ? `Could not load the audit log: ${problemOf(error).message}` : null;
  });

  protected time(iso: string): string {
    return formatDateTime(Date.parse(iso));
  }

  protected setActor(value: string): void {
    this.actor.set(value.trim());
    this.pageIndex.set(0);
  }

  protected page(event: PageEvent): void {
    this.pageSize.set(event.pageSize);
    this.pageIndex.set(event.pageIndex);
  }
}
