import { ChangeDetectionStrategy, Component, computed, inject, resource } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Api } from '../api/api';
import { systemLogsControllerRecent } from '../api/fn/events/system-logs-controller-recent';
import { loggingControllerLevel } from '../api/fn/management-logging/logging-controller-level';
import { loggingControllerResetLevel } from '../api/fn/management-logging/logging-controller-reset-level';
import { loggingControllerSetLevel } from '../api/fn/management-logging/logging-controller-set-level';
import type { LogEntryDto } from '../api/models/log-entry-dto';
import { problemOf } from '../core/api-problem';
import { formatDateTime } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';

type LogLevel = LogEntryDto['level'];

/** The gateway's own recent log lines (masked by the gateway), and its log level until restart. */
@Component({
  selector: 'plx-system-logs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatFormFieldModule, MatSelectModule, LoadState, PageHeader],
  template: `
    <plx-page-header heading="System logs" subtitle="The gateway's latest log lines, newest first">
      <button matButton type="button" (click)="recent.reload()" data-testid="refresh">Refresh</button>
    </plx-page-header>
    @if (level.hasValue()) {
      @let state = level.value();
      <div class="level">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>Log level</mat-label>
          <mat-select [value]="state.level" (valueChange)="setLevel($event)" data-testid="log-level">
            @for (l of state.supportedLevels; track l) {
              <mat-option [value]="l">{{ l }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <span class="muted">until restart (started at {{ state.startupLevel }})</span>
        @if (state.level !== state.startupLevel) {
          <button matButton type="button" (click)="resetLevel()">Back to {{ state.startupLevel }}</button>
        }
      </div>
    }
    <plx-load-state
      [loading]="recent.isLoading()"
      [error]="loadError()"
      [empty]="lines().length === 0"
      (retry)="recent.reload()"
    >
      <span empty>No log lines yet.</span>
      <div class="lines" role="log" aria-label="Log lines" data-testid="log-lines">
        @for (line of lines(); track $index) {
          <div class="line" [class]="line.level">
            <span class="time">{{ time(line.timestamp) }}</span>
            <span class="lvl">{{ line.level }}</span>
            @if (line.context) {
              <span class="ctx">[{{ line.context }}]</span>
            }
            <span class="msg">{{ line.message }}</span>
          </div>
        }
      </div>
    </plx-load-state>
  `,
  styles: `
    .level {
      display: flex;
      align-items: center;
      gap: 12px;
      margin-bottom: 12px;
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
    .lines {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-size: 12px;
      background: var(--mat-sys-surface-container-low);
      border-radius: 8px;
      padding: 8px;
    }
    .line {
      display: flex;
      gap: 8px;
      padding: 2px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .time {
      white-space: nowrap;
      color: var(--mat-sys-on-surface-variant);
    }
    .lvl {
      width: 56px;
      flex: none;
      text-transform: uppercase;
    }
    .error .lvl {
      color: var(--mat-sys-error);
    }
    .warn .lvl {
      color: #b07a0c;
    }
    .ctx {
      color: var(--mat-sys-primary);
    }
    .msg {
      white-space: pre-wrap;
      word-break: break-word;
    }
  `,
})
export class SystemLogsPage {
  private readonly api = inject(Api);
  private readonly snack = inject(MatSnackBar);

  protected readonly recent = resource({ loader: () => this.api.invoke(systemLogsControllerRecent) });
  protected readonly level = resource({ loader: () => this.api.invoke(loggingControllerLevel) });
  protected readonly lines = computed(() => (this.recent.hasValue() ? [...this.recent.value().data].reverse() : []));
  protected readonly loadError = computed(() => {
    const error = this.recent.error();
    return error ? `Could not load the log: ${problemOf(error).message}` : null;
  });

  protected time(iso: string): string {
    return formatDateTime(Date.parse(iso));
  }

  protected async setLevel(level: LogLevel): Promise<void> {
    try {
      await this.api.invoke(loggingControllerSetLevel, { body: { level } });
      this.snack.open(`Log level ${level} until restart`, undefined, { duration: 3000 });
    } catch (error) {
      this.snack.open(`Could not change the level: ${problemOf(error).message}`, 'Dismiss');
    }
    this.level.reload();
  }

  protected async resetLevel(): Promise<void> {
    try {
      await this.api.invoke(loggingControllerResetLevel);
    } catch (error) {
      this.snack.open(`Could not reset the level: ${problemOf(error).message}`, 'Dismiss');
    }
    this.level.reload();
  }
}
