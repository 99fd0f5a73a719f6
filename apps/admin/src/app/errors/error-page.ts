import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Api } from '../api/api';
import { errorsControllerDeleteOne } from '../api/fn/management-usage/errors-controller-delete-one';
import { errorsControllerList } from '../api/fn/management-usage/errors-controller-list';
import type { InferenceErrorDto } from '../api/models/inference-error-dto';
import { AdminSession } from '../core/admin-session';
import { problemOf } from '../core/api-problem';
import { attemptListOf, type UsageAttempt } from '../logs/usage-view';
import { confirm } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';

export interface ErrorView {
  readonly requestId: string;
  readonly when: string;
  readonly apiKey: string;
  readonly alias: string;
  readonly target: string;
  readonly status: string;
  readonly httpStatus: number | null;
  readonly message: string;
  readonly attempts: UsageAttempt[];
}

export function errorViewOf(error: InferenceErrorDto): ErrorView {
  const target =
    error.provider && error.model ? `${error.provider}/${error.model}` : (error.provider ?? error.model ?? '—');
  return {
    requestId: error.requestId,
    when: formatDateTime(Date.parse(error.date)),
    apiKey: error.apiKey ?? '—',
    alias: error.incomingModelAlias ?? '—',
    target,
    status: error.responseStatus,
    httpStatus: error.httpStatus,
    message: error.errorMessage ?? '(no message)',
    attempts: attemptListOf(error.attempts),
  };
}

/** Failed requests, newest first; each opens to show every attempt and why it failed. */
@Component({
  selector: 'plx-error-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatPaginatorModule, LoadState, PageHeader],
  template: `
    <plx-page-header heading="Errors" subtitle="Requests that failed, timed out or were cancelled, newest first">
      <button matButton type="button" (click)="errors.reload()" data-testid="refresh">Refresh</button>
    </plx-page-header>
    <plx-load-state
      [loading]="errors.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="errors.reload()"
    >
      <span empty>No failed requests. Everything that was asked got an answer.</span>
      <div class="list" role="list" aria-label="Failed requests">
        @for (e of rows(); track e.requestId) {
          <div class="item" role="listitem" data-testid="error-row">
            <button
              type="button"
              class="summary"
              (click)="toggle(e.requestId)"
              [attr.aria-expanded]="open() === e.requestId"
            >
              <span class="when">{{ e.when }}</span>
              <span class="status">{{ e.status }}{{ e.httpStatus ? ' ' + e.httpStatus : '' }}</span>
              <span class="who">{{ e.apiKey }} → {{ e.alias }}</span>
              <span class="target">{{ e.target }}</span>
              <span class="message">{{ e.message }}</span>
            </button>
            @if (open() === e.requestId) {
              <div class="detail">
                <div class="detail-head">
                  <span class="muted">Request {{ e.requestId }}</span>
                  @if (!limited()) {
                    <button matButton type="button" class="danger" (click)="remove(e)">Delete this record</button>
                  }
                </div>
                <pre class="full-message">{{ e.message }}</pre>
                @if (e.attempts.length === 0) {
                  <p class="muted">No upstream attempt was made.</p>
                } @else {
                  <table class="attempts" aria-label="Attempts">
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>Target</th>
                        <th>API</th>
                        <th>Outcome</th>
                        <th>Reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      @for (a of e.attempts; track a.index) {
                        <tr>
                          <td>{{ a.index + 1 }}</td>
                          <td>{{ a.provider }}/{{ a.model }}</td>
                          <td>{{ a.apiType ?? '—' }}</td>
                          <td [class.bad]="a.status !== 'success'">
                            {{ a.status }}{{ a.statusCode ? ' ' + a.statusCode : '' }}
                          </td>
                          <td>{{ a.reason ?? '—' }}</td>
                        </tr>
                      }
                    </tbody>
                  </table>
                }
              </div>
            }
          </div>
        }
      </div>
      <mat-paginator
        [length]="total()"
        [pageIndex]="pageIndex()"
        [pageSize]="pageSize()"
        [pageSizeOptions]="[25, 50, 100]"
        (page)="page($event)"
        aria-label="Pages of errors"
      />
    </plx-load-state>
  `,
  styles: `
    .list {
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .item {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 10px;
      overflow: hidden;
    }
    .summary {
      all: unset;
      box-sizing: border-box;
      width: 100%;
      cursor: pointer;
      display: grid;
      grid-template-columns: 150px 110px minmax(120px, 200px) minmax(120px, 220px) 1fr;
      gap: 12px;
      padding: 10px 14px;
      font: var(--mat-sys-body-medium);
      align-items: center;
    }
    .summary:hover,
    .summary:focus-visible {
      background: var(--mat-sys-surface-container);
    }
    .status {
      color: var(--mat-sys-error);
      font-weight: 500;
    }
    .message {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      color: var(--mat-sys-on-surface-variant);
    }
    .detail {
      padding: 8px 14px 14px;
      background: var(--mat-sys-surface-container-low);
    }
    .full-message {
      white-space: pre-wrap;
      word-break: break-word;
      font-size: 12px;
    }
    .attempts {
      border-collapse: collapse;
      width: 100%;
      font: var(--mat-sys-body-small);
    }
    .attempts th,
    .attempts td {
      text-align: left;
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .bad {
      color: var(--mat-sys-error);
    }
    .detail-head {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .danger {
      --mat-button-text-label-text-color: var(--mat-sys-error);
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
  `,
})
export class ErrorPage {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);
  /** Deleting records is the admin's; a key holder only reads its own failures. */
  protected readonly limited = inject(AdminSession).limited;

  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(50);
  protected readonly open = signal<string | null>(null);
  protected readonly errors = resource({
    params: () => ({ limit: this.pageSize(), offset: this.pageIndex() * this.pageSize() }),
    loader: ({ params }) => this.api.invoke(errorsControllerList, params),
  });
  protected readonly rows = computed(() => (this.errors.hasValue() ? this.errors.value().data.map(errorViewOf) : []));
  protected readonly total = computed(() => (this.errors.hasValue() ? this.errors.value().total : 0));
  protected readonly loadError = computed(() => {
    const error = this.errors.error();
    return error ? `Could not load errors: ${problemOf(error).message}` : null;
  });

  protected toggle(requestId: string): void {
    this.open.update((current) => (current === requestId ? null : requestId));
  }

  protected async remove(error: ErrorView): Promise<void> {
    const sure = await confirm(this.dialog, {
      title: 'Delete this failed request?',
      message: `The usage record of request ${error.requestId} is removed from the errors and the log. This cannot be undone.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    try {
      await this.api.invoke(errorsControllerDeleteOne, { requestId: error.requestId });
      this.snack.open('Record deleted', undefined, { duration: 3000 });
    } catch (problem) {
      this.snack.open(`Could not delete: ${problemOf(problem).message}`, 'Dismiss');
    }
    this.errors.reload();
  }

  protected page(event: PageEvent): void {
    this.pageSize.set(event.pageSize);
    this.pageIndex.set(event.pageIndex);
  }
}
