import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTableModule } from '@angular/material/table';
import { Api } from '../api/api';
import { mcpLogsControllerList } from '../api/fn/management-mcp-logs/mcp-logs-controller-list';
import { mcpServersControllerList } from '../api/fn/management-mcp-servers/mcp-servers-controller-list';
import { mcpServersControllerListKeys } from '../api/fn/management-mcp-servers/mcp-servers-controller-list-keys';
import { mcpServersControllerProcessLogs } from '../api/fn/management-mcp-servers/mcp-servers-controller-process-logs';
import { mcpServersControllerRestart } from '../api/fn/management-mcp-servers/mcp-servers-controller-restart';
import { mcpServersControllerStart } from '../api/fn/management-mcp-servers/mcp-servers-controller-start';
import { mcpServersControllerStatus } from '../api/fn/management-mcp-servers/mcp-servers-controller-status';
import { mcpServersControllerStop } from '../api/fn/management-mcp-servers/mcp-servers-controller-stop';
import type { McpProcessStatusDto } from '../api/models/mcp-process-status-dto';
import type { McpServerKeyDto } from '../api/models/mcp-server-key-dto';
import { problemOf } from '../core/api-problem';
import { formatDateTime } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';

interface ServerRow {
  name: string;
  mode: string;
  target: string;
  enabled: boolean;
  status: McpProcessStatusDto;
}

type ProcessAction = 'start' | 'stop' | 'restart';

/** The MCP gateway: servers with their process status and controls, upstream keys, process output, recent requests. */
@Component({
  selector: 'plx-mcp-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatTableModule, LoadState, PageHeader],
  template: `
    <plx-page-header
      heading="MCP servers"
      subtitle="MCP servers behind /mcp/&lt;name&gt;, their processes, keys and traffic"
    >
      <button matButton type="button" (click)="reload()" data-testid="refresh">Refresh</button>
    </plx-page-header>
    <plx-load-state
      [loading]="servers.isLoading()"
      [error]="loadError()"
      [empty]="rows().length === 0"
      (retry)="servers.reload()"
    >
      <span empty
        >No MCP servers yet: add one with PUT /v0/management/mcp-servers/&lt;name&gt; or the config import.</span
      >
      <table mat-table [dataSource]="rows()" class="table" aria-label="MCP servers">
        <ng-container matColumnDef="name">
          <th mat-header-cell *matHeaderCellDef>Server</th>
          <td mat-cell *matCellDef="let s">
            <button matButton type="button" (click)="select(s.name)" [attr.data-testid]="'mcp-server-' + s.name">
              {{ s.name }}
            </button>
            @if (!s.enabled) {
              <span class="badge off">disabled</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="target">
          <th mat-header-cell *matHeaderCellDef>Endpoint</th>
          <td mat-cell *matCellDef="let s">
            <span class="badge">{{ s.mode }}</span> <span class="url">{{ s.target }}</span>
          </td>
        </ng-container>
        <ng-container matColumnDef="status">
          <th mat-header-cell *matHeaderCellDef>Process</th>
          <td mat-cell *matCellDef="let s" [attr.data-testid]="'mcp-status-' + s.name">
            @if (s.mode === 'local_http') {
              <span class="badge" [class.off]="s.status.status !== 'running'">{{ s.status.status }}</span>
              @if (s.status.pid) {
                <span class="muted">pid {{ s.status.pid }}</span>
              }
              @if (s.status.lastError) {
                <span class="muted">{{ s.status.lastError }}</span>
              }
            } @else {
              <span class="muted">remote</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="actions">
          <th mat-header-cell *matHeaderCellDef></th>
          <td mat-cell *matCellDef="let s">
            @if (s.mode === 'local_http') {
              @for (action of actions; track action) {
                <button matButton type="button" [disabled]="busy()" (click)="control(s.name, action)">
                  {{ action }}
                </button>
              }
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="serverColumns"></tr>
        <tr mat-row *matRowDef="let row; columns: serverColumns" data-testid="mcp-server-row"></tr>
      </table>
    </plx-load-state>
    @if (actionError()) {
      <p class="error" role="alert">{{ actionError() }}</p>
    }

    @if (selected(); as name) {
      <h2>{{ name }}</h2>
      <h3>Upstream keys</h3>
      @if (keyRows().length === 0) {
        <p class="muted">No upstream keys: requests carry only the static headers.</p>
      } @else {
        <table mat-table [dataSource]="keyRows()" class="table" aria-label="Upstream keys">
          <ng-container matColumnDef="id">
            <th mat-header-cell *matHeaderCellDef>Id</th>
            <td mat-cell *matCellDef="let k">{{ k.id }}</td>
          </ng-container>
          <ng-container matColumnDef="key">
            <th mat-header-cell *matHeaderCellDef>Key</th>
            <td mat-cell *matCellDef="let k">{{ k.key }}</td>
          </ng-container>
          <ng-container matColumnDef="state">
            <th mat-header-cell *matHeaderCellDef>State</th>
            <td mat-cell *matCellDef="let k">
              <span class="badge" [class.off]="!k.is_active || k.cooldown_until">{{ keyState(k) }}</span>
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="keyColumns"></tr>
          <tr mat-row *matRowDef="let row; columns: keyColumns"></tr>
        </table>
      }
      <h3>Process output</h3>
      <pre class="logs" data-testid="mcp-process-logs">{{ processLines() }}</pre>
    }

    <h2>Recent MCP requests</h2>
    <table mat-table [dataSource]="requestRows()" class="table" aria-label="Recent MCP requests">
      <ng-container matColumnDef="time">
        <th mat-header-cell *matHeaderCellDef>Time</th>
        <td mat-cell *matCellDef="let r">{{ time(r.created_at) }}</td>
      </ng-container>
      <ng-container matColumnDef="server">
        <th mat-header-cell *matHeaderCellDef>Server</th>
        <td mat-cell *matCellDef="let r">{{ r.server_name }}</td>
      </ng-container>
      <ng-container matColumnDef="call">
        <th mat-header-cell *matHeaderCellDef>Call</th>
        <td mat-cell *matCellDef="let r">
          <span class="url">{{ r.method }} {{ r.jsonrpc_method ?? '' }} {{ r.tool_name ?? '' }}</span>
        </td>
      </ng-container>
      <ng-container matColumnDef="key">
        <th mat-header-cell *matHeaderCellDef>Key</th>
        <td mat-cell *matCellDef="let r">{{ r.api_key ?? '—' }}</td>
      </ng-container>
      <ng-container matColumnDef="status">
        <th mat-header-cell *matHeaderCellDef>Status</th>
        <td mat-cell *matCellDef="let r">
          <span class="badge" [class.off]="r.response_status >= 400">{{ r.response_status }}</span>
          <span class="muted">{{ r.duration_ms }} ms</span>
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="requestColumns"></tr>
      <tr mat-row *matRowDef="let row; columns: requestColumns" data-testid="mcp-request-row"></tr>
    </table>
  `,
  styleUrl: '../shared/table.scss',
  styles: `
    .logs {
      max-height: 320px;
      overflow: auto;
      background: var(--mat-sys-surface-container);
      padding: 8px;
      font-size: 12px;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class McpPage {
  private readonly api = inject(Api);

  protected readonly serverColumns = ['name', 'target', 'status', 'actions'];
  protected readonly keyColumns = ['id', 'key', 'state'];
  protected readonly requestColumns = ['time', 'server', 'call', 'key', 'status'];
  protected readonly actions: ProcessAction[] = ['start', 'stop', 'restart'];
  protected readonly selected = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);

  protected readonly servers = resource({
    loader: async (): Promise<ServerRow[]> => {
      const servers = (await this.api.invoke(mcpServersControllerList)) as Record<string, Record<string, unknown>>;
      return Promise.all(
        Object.entries(servers).map(async ([name, config]) => {
          const mode = typeof config['mode'] === 'string' ? config['mode'] : 'remote_http';
          return {
            name,
            mode,
            target:
              mode === 'local_http'
                ? `${String(config['command'] ?? '')} (port ${String(config['port'] ?? '?')})`
                : String(config['upstream_url'] ?? ''),
            enabled: config['enabled'] !== false,
            status: await this.api.invoke(mcpServersControllerStatus, { serverName: name }),
          };
        }),
      );
    },
  });
  protected readonly details = resource({
    params: () => this.selected() ?? undefined,
    loader: async ({ params: serverName }) => ({
      keys: (await this.api.invoke(mcpServersControllerListKeys, { serverName })).keys,
      lines: (await this.api.invoke(mcpServersControllerProcessLogs, { serverName })).data,
    }),
  });
  protected readonly requests = resource({
    loader: () => this.api.invoke(mcpLogsControllerList, { limit: 50 }),
  });

  protected readonly rows = computed(() => (this.servers.hasValue() ? this.servers.value() : []));
  protected readonly keyRows = computed(() => (this.details.hasValue() ? this.details.value().keys : []));
  protected readonly processLines = computed(() =>
    this.details.hasValue() ? this.details.value().lines.join('\n') || '(no output)' : '',
  );
  protected readonly requestRows = computed(() => (this.requests.hasValue() ? this.requests.value().data : []));
  protected readonly loadError = computed(() => {
    const error = this.servers.error();
    return error ? `Could not load the MCP servers: ${problemOf(error).message}` : null;
  });

  protected reload(): void {
    this.servers.reload();
    this.details.reload();
    this.requests.reload();
  }

  protected select(name: string): void {
    this.selected.set(name);
  }

  protected async control(serverName: string, action: ProcessAction): Promise<void> {
    const call = {
      start: mcpServersControllerStart,
      stop: mcpServersControllerStop,
      restart: mcpServersControllerRestart,
    }[action];
    this.busy.set(true);
    this.actionError.set(null);
    try {
      await this.api.invoke(call, { serverName });
    } catch (error) {
      this.actionError.set(`Could not ${action} ${serverName}: ${problemOf(error).message}`);
    } finally {
      this.busy.set(false);
      this.servers.reload();
      this.details.reload();
    }
  }

  protected keyState(key: McpServerKeyDto): string {
    if (!key.is_active) return 'inactive';
    return key.cooldown_until ? `cooling until ${this.time(key.cooldown_until)}` : 'active';
  }

  protected time(iso: string): string {
    return formatDateTime(Date.parse(iso));
  }
}
