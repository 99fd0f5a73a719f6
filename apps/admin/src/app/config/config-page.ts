import { ChangeDetectionStrategy, Component, computed, inject, resource, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Api } from '../api/api';
import { configTransferControllerExportConfig } from '../api/fn/management-config/config-transfer-controller-export-config';
import { configTransferControllerImportConfig } from '../api/fn/management-config/config-transfer-controller-import-config';
import { configTransferControllerStatus } from '../api/fn/management-config/config-transfer-controller-status';
import type { ConfigImportResultDto } from '../api/models/config-import-result-dto';
import { describeProblem, problemOf, type ApiProblem } from '../core/api-problem';
import { confirm } from '../shared/confirm-dialog';
import { formatInt } from '../shared/format';
import { LoadState } from '../shared/load-state';
import { PageHeader } from '../shared/page-header';
import {
  CONFIG_SECTIONS,
  SECTION_LABELS,
  exportFileName,
  managedEntries,
  parseConfigDocument,
} from './config-transfer';

/** Export the configuration (secrets masked), import one (replacing everything made through the API), and see what the config file owns. */
@Component({
  selector: 'plx-config-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, LoadState, PageHeader],
  template: `
    <plx-page-header heading="Configuration" subtitle="Export and import everything the gateway is configured with">
      <button
        matButton="filled"
        type="button"
        (click)="download()"
        [disabled]="!exported.hasValue()"
        data-testid="export"
      >
        Download export
      </button>
    </plx-page-header>

    <plx-load-state [loading]="status.isLoading()" [error]="statusError()" (retry)="status.reload()">
      @if (status.hasValue()) {
        @let s = status.value();
        <div class="counts" data-testid="config-counts">
          <div class="count">
            <span class="n">{{ int(s.providerCount) }}</span> providers
          </div>
          <div class="count">
            <span class="n">{{ int(s.modelAliasCount) }}</span> model aliases
          </div>
          <div class="count">
            <span class="n">{{ int(s.keyCount) }}</span> API keys
          </div>
          <div class="count">
            <span class="n">{{ int(s.quotaCount) }}</span> user quotas
          </div>
          <div class="count">
            <span class="n">{{ int(s.mcpServerCount) }}</span> MCP servers
          </div>
        </div>
      }
    </plx-load-state>

    <mat-card appearance="outlined" class="card">
      <mat-card-content>
        <h2>Managed by the config file</h2>
        <p class="hint">
          Objects from the declarative config file (PLEXUS_CONFIG) are read-only here: change them in the file. An
          import skips them.
        </p>
        <plx-load-state
          [loading]="exported.isLoading()"
          [error]="exportError()"
          [empty]="managed().length === 0"
          (retry)="exported.reload()"
        >
          <span empty>Nothing is managed by a config file.</span>
          <ul class="managed" data-testid="managed">
            @for (m of managed(); track m.section + '/' + m.name) {
              <li>
                <span class="badge">{{ labels[m.section] }}</span> {{ m.name }} <span class="lock">read-only</span>
              </li>
            }
          </ul>
        </plx-load-state>
      </mat-card-content>
    </mat-card>

    <mat-card appearance="outlined" class="card">
      <mat-card-content>
        <h2>Import</h2>
        <p class="hint">
          Replaces every provider, alias, key and quota made through the API with the document's (in one transaction: a
          refused document changes nothing). Masked secrets (as an export has them) keep the stored secret.
        </p>
        <div class="row">
          <input
            #file
            type="file"
            accept="application/json,.json"
            class="file"
            (change)="readFile(file)"
            data-testid="import-file"
          />
          <button matButton type="button" (click)="file.click()">Choose a file…</button>
          @if (fileName()) {
            <span class="hint">{{ fileName() }}</span>
          }
        </div>
        <mat-form-field class="full">
          <mat-label>Config document (JSON)</mat-label>
          <textarea
            matInput
            rows="10"
            class="mono"
            [value]="text()"
            (input)="setText($any($event.target).value)"
            data-testid="import-text"
          ></textarea>
          <mat-hint>{{ summary() }}</mat-hint>
        </mat-form-field>
        @if (touched() && parseProblem(); as problem) {
          <div class="error" role="alert">{{ problem }}</div>
        }
        @if (importProblem(); as problem) {
          <div class="error" role="alert" data-testid="import-error">
            {{ problem.message }}
            @if (problem.details.length > 0) {
              <ul>
                @for (issue of problem.details; track $index) {
                  <li>{{ issue.path.join('.') || '(document)' }}: {{ issue.message }}</li>
                }
              </ul>
            }
          </div>
        }
        @if (result(); as r) {
          <div class="ok" role="status" data-testid="import-result">
            Imported {{ r.imported.providers }} providers, {{ r.imported.model_aliases }} aliases,
            {{ r.imported.api_keys }} keys, {{ r.imported.user_quotas }} quotas and
            {{ r.imported.system_settings }} settings.
            @if (r.skipped.length > 0) {
              Skipped (managed by the config file): {{ r.skipped.join(', ') }}.
            }
          </div>
        }
        <div class="buttons">
          <button
            matButton="filled"
            type="button"
            class="danger"
            (click)="import()"
            [disabled]="importing()"
            data-testid="import"
          >
            Import and replace
          </button>
        </div>
      </mat-card-content>
    </mat-card>
  `,
  styleUrl: '../shared/form-page.scss',
  styles: `
    .counts {
      display: flex;
      gap: 12px;
      flex-wrap: wrap;
      margin-bottom: 16px;
    }
    .count {
      padding: 12px 16px;
      border-radius: 12px;
      background: var(--mat-sys-surface-container);
      color: var(--mat-sys-on-surface-variant);
    }
    .n {
      font: var(--mat-sys-title-large);
      color: var(--mat-sys-on-surface);
      margin-right: 4px;
    }
    .card {
      max-width: 880px;
      margin-bottom: 16px;
    }
    .card h2 {
      font: var(--mat-sys-title-medium);
      margin: 0 0 8px;
    }
    .managed {
      padding-left: 0;
      list-style: none;
    }
    .managed li {
      padding: 4px 0;
    }
    .badge {
      display: inline-block;
      padding: 1px 8px;
      border-radius: 8px;
      font: var(--mat-sys-label-small);
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .lock {
      font: var(--mat-sys-label-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .file {
      display: none;
    }
    .row {
      align-items: center;
      margin-bottom: 8px;
    }
    textarea.mono {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-size: 12px;
      line-height: 1.4;
    }
    .error {
      color: var(--mat-sys-on-error-container);
      background: var(--mat-sys-error-container);
      border-radius: 8px;
      padding: 8px 12px;
      margin-bottom: 8px;
    }
    .ok {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
      border-radius: 8px;
      padding: 8px 12px;
      margin-bottom: 8px;
    }
    .danger {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
})
export class ConfigPage {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly labels = SECTION_LABELS;
  protected readonly int = formatInt;
  protected readonly status = resource({ loader: () => this.api.invoke(configTransferControllerStatus) });
  protected readonly exported = resource({ loader: () => this.api.invoke(configTransferControllerExportConfig) });
  protected readonly managed = computed(() => (this.exported.hasValue() ? managedEntries(this.exported.value()) : []));
  protected readonly statusError = computed(() => {
    const error = this.status.error();
    return error ? `Could not load the configuration: ${problemOf(error).message}` : null;
  });
  protected readonly exportError = computed(() => {
    const error = this.exported.error();
    return error ? `Could not export: ${problemOf(error).message}` : null;
  });

  protected readonly text = signal('');
  protected readonly fileName = signal<string | null>(null);
  protected readonly touched = signal(false);
  protected readonly importing = signal(false);
  protected readonly importProblem = signal<ApiProblem | null>(null);
  protected readonly result = signal<ConfigImportResultDto | null>(null);
  protected readonly parsed = computed(() => parseConfigDocument(this.text()));
  protected readonly parseProblem = computed(() => {
    const parsed = this.parsed();
    return parsed.ok ? null : parsed.problem;
  });
  protected readonly summary = computed(() => {
    const parsed = this.parsed();
    if (!parsed.ok) return '';
    return CONFIG_SECTIONS.filter((s) => parsed.counts[s] !== undefined)
      .map((s) => `${SECTION_LABELS[s]}: ${parsed.counts[s]}`)
      .join(' · ');
  });

  protected setText(value: string): void {
    this.text.set(value);
    this.touched.set(true);
    this.result.set(null);
    this.importProblem.set(null);
  }

  protected async readFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    this.fileName.set(file.name);
    this.setText(await file.text());
    input.value = '';
  }

  protected download(): void {
    if (!this.exported.hasValue()) return;
    const blob = new Blob([`${JSON.stringify(this.exported.value(), null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(new Date());
    link.click();
    URL.revokeObjectURL(url);
  }

  protected async import(): Promise<void> {
    this.touched.set(true);
    const parsed = this.parsed();
    if (!parsed.ok) return;
    const sure = await confirm(this.dialog, {
      title: 'Replace the configuration?',
      message: `Everything made through the API is replaced by this document (${this.summary()}). Objects it leaves out are deleted.`,
      confirmLabel: 'Import and replace',
      danger: true,
    });
    if (!sure) return;
    this.importing.set(true);
    this.importProblem.set(null);
    try {
      this.result.set(await this.api.invoke(configTransferControllerImportConfig, { body: parsed.document }));
      this.snack.open('Configuration imported', undefined, { duration: 4000 });
      this.status.reload();
      this.exported.reload();
    } catch (error) {
      const problem = problemOf(error);
      this.importProblem.set(problem);
      this.snack.open(`Import refused: ${describeProblem(problem).slice(0, 120)}`, 'Dismiss');
    }
    this.importing.set(false);
  }
}
