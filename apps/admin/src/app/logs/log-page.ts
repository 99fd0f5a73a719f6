import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatTableModule } from '@angular/material/table';
import { Api } from '../api/api';
import { aliasesControllerList } from '../api/fn/management-aliases/aliases-controller-list';
import { keysControllerList } from '../api/fn/management-keys/keys-controller-list';
import { providersControllerList } from '../api/fn/management-providers/providers-controller-list';
import { usageControllerList, type UsageControllerList$Params } from '../api/fn/management-usage/usage-controller-list';
import type { UsageRecordDto } from '../api/models/usage-record-dto';
import { AdminSession } from '../core/admin-session';
import { problemOf } from '../core/api-problem';
import { formatDateTime, formatDuration, formatInt } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';
import { LogDetail } from './log-detail';
import { apiLabel, statusTone, targetLabel } from './usage-view';

type UsageStatus = NonNullable<UsageControllerList$Params['responseStatus']>;

const USAGE_STATUSES: readonly UsageStatus[] = ['success', 'error', 'pending', 'cancelled', 'timeout', 'stall'];

export interface LogFilters {
  status: UsageStatus | '';
  provider: string;
  alias: string;
  key: string;
}

export const NO_FILTERS: LogFilters = { status: '', provider: '', alias: '', key: '' };

/** Filters and page as the usage list's query (empty filters left out). */
export function logQuery(filters: LogFilters, pageIndex: number, pageSize: number): UsageControllerList$Params {
  return {
    limit: pageSize,
    offset: pageIndex * pageSize,
    sortBy: 'date',
    sortDir: 'desc',
    ...(filters.status !== '' && { responseStatus: filters.status }),
    ...(filters.provider !== '' && { provider: filters.provider }),
    ...(filters.alias !== '' && { incomingModelAlias: filters.alias }),
    ...(filters.key !== '' && { apiKey: filters.key }),
  };
}

function namesOf(list: Record<string, unknown> | undefined): string[] {
  return Object.keys(list ?? {}).sort();
}

@Component({
  selector: 'plx-log-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatPaginatorModule,
    MatSelectModule,
    MatSidenavModule,
    MatTableModule,
    LoadState,
    PageHeader,
    LogDetail,
  ],
  templateUrl: './log-page.html',
  styleUrl: './log-page.scss',
})
export class LogPage {
  private readonly api = inject(Api);
  private readonly session = inject(AdminSession);
  protected readonly limited = this.session.limited;

  protected readonly statuses = USAGE_STATUSES;
  protected readonly columns = ['time', 'key', 'route', 'api', 'tokens', 'ttft', 'duration', 'status'];
  protected readonly pageSizes = [25, 50, 100, 200];

  protected readonly filters = signal<LogFilters>(NO_FILTERS);
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(50);
  protected readonly selected = signal<UsageRecordDto | null>(null);

  protected readonly usage = resource({
    params: () => logQuery(this.filters(), this.pageIndex(), this.pageSize()),
    loader: ({ params }) => this.api.invoke(usageControllerList, params),
  });
  protected readonly rows = computed(() =>
    this.usage.hasValue() ? (this.usage.value().data as UsageRecordDto[]) : [],
  );
  protected readonly total = computed(() => (this.usage.hasValue() ? this.usage.value().total : 0));
  protected readonly loadError = computed(() => {
    const error = this.usage.error();
    return error ? `Could not load the request log: ${problemOf(error).message}` : null;
  });
  protected readonly filtered = computed(() => Object.values(this.filters()).some((value) => value !== ''));

  // The filter suggestions come from admin-only lists; a limited session types its filters.
  private readonly adminOnly = () => (this.session.limited() ? undefined : true);
  private readonly providerList = resource({
    params: this.adminOnly,
    loader: () => this.api.invoke(providersControllerList),
  });
  private readonly aliasList = resource({
    params: this.adminOnly,
    loader: () => this.api.invoke(aliasesControllerList),
  });
  private readonly keyList = resource({ params: this.adminOnly, loader: () => this.api.invoke(keysControllerList) });
  protected readonly providers = computed(() => namesOf(this.providerList.value()));
  protected readonly aliases = computed(() => namesOf(this.aliasList.value()));
  protected readonly keys = computed(() => namesOf(this.keyList.value()));

  protected setFilter<K extends keyof LogFilters>(name: K, value: LogFilters[K]): void {
    this.filters.update((filters) => ({ ...filters, [name]: value }));
    this.pageIndex.set(0);
  }

  protected clearFilters(): void {
    this.filters.set(NO_FILTERS);
    this.pageIndex.set(0);
  }

  protected page(event: PageEvent): void {
    this.pageSize.set(event.pageSize);
    this.pageIndex.set(event.pageIndex);
  }

  protected target(record: UsageRecordDto): string {
    return targetLabel(record);
  }

  protected apiOf(record: UsageRecordDto): string {
    return apiLabel(record);
  }

  protected tone(record: UsageRecordDto): string {
    return statusTone(record.responseStatus);
  }

  protected readonly int = formatInt;
  protected readonly duration = formatDuration;
  protected readonly time = formatDateTime;
}
