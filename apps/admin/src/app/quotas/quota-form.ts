import { ChangeDetectionStrategy, Component, computed, effect, inject, input, resource, signal } from '@angular/core';
import { FormField, form, submit } from '@angular/forms/signals';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { userQuotasControllerGet } from '../api/fn/management-quotas-user/user-quotas-controller-get';
import { userQuotasControllerList } from '../api/fn/management-quotas-user/user-quotas-controller-list';
import { userQuotasControllerPut } from '../api/fn/management-quotas-user/user-quotas-controller-put';
import { problemOf } from '../core/api-problem';
import { errorText } from '../shared/error-text';
import { FieldErrors } from '../shared/field-errors';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { PageHeader } from '../shared/page-header';
import { fieldAt, submissionErrors } from '../shared/server-errors';
import {
  QUOTA_LIMIT_TYPES,
  QUOTA_WINDOWS,
  emptyQuotaForm,
  quotaFormOf,
  quotaPayload,
  quotaSchema,
} from './quota-model';

/** The server's field names mapped onto the form's (warnAt is a share there, a percentage here). */
const SERVER_FIELDS: Readonly<Record<string, string>> = { warnAt: 'warnAtPercent' };

@Component({
  selector: 'plx-quota-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormField,
    FieldErrors,
    LoadState,
    PageHeader,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatSlideToggleModule,
  ],
  template: `
    <plx-page-header [heading]="creating() ? 'Add quota' : 'Edit quota ' + name()" />
    <plx-load-state [loading]="!creating() && existing.isLoading()" [error]="loadError()" (retry)="existing.reload()">
      <form class="form" (submit)="save($event)" novalidate data-testid="quota-form">
        @if (managed()) {
          <div class="managed-banner" role="note" data-testid="managed-banner">{{ managedHint }}</div>
        }
        <mat-card appearance="outlined" class="section">
          <mat-card-content>
            <mat-form-field class="full">
              <mat-label>Name</mat-label>
              <input matInput [formField]="quotaForm.name" data-testid="quota-name" />
              <mat-hint>{{
                creating() ? "Lower case letters, digits, '-' or '_'" : 'Names cannot be changed'
              }}</mat-hint>
              <mat-error>{{ errorText(quotaForm.name) }}</mat-error>
            </mat-form-field>
            <div class="row">
              <mat-form-field class="grow">
                <mat-label>Counts</mat-label>
                <mat-select [formField]="quotaForm.limitType" data-testid="quota-limit-type">
                  @for (t of limitTypes; track t.value) {
                    <mat-option [value]="t.value">{{ t.label }}</mat-option>
                  }
                </mat-select>
                <mat-hint>{{ limitHint() }}</mat-hint>
              </mat-form-field>
              <mat-form-field class="grow">
                <mat-label>Limit</mat-label>
                <input matInput inputmode="decimal" [formField]="quotaForm.limit" data-testid="quota-limit" />
                <mat-error>{{ errorText(quotaForm.limit) }}</mat-error>
              </mat-form-field>
            </div>
            <div class="row">
              <mat-form-field class="grow">
                <mat-label>Window</mat-label>
                <mat-select [formField]="quotaForm.type" data-testid="quota-type">
                  @for (w of windows; track w.value) {
                    <mat-option [value]="w.value">{{ w.label }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              @if (model().type === 'rolling') {
                <mat-form-field class="grow">
                  <mat-label>Window length</mat-label>
                  <input matInput [formField]="quotaForm.duration" data-testid="quota-duration" />
                  <mat-hint>30s, 5m, 1h, 2h30m, 1d; usage drains continuously</mat-hint>
                  <mat-error>{{ errorText(quotaForm.duration) }}</mat-error>
                </mat-form-field>
              }
            </div>
            <div class="row">
              <mat-form-field class="grow">
                <mat-label>Warn at (% of the limit)</mat-label>
                <input
                  matInput
                  inputmode="decimal"
                  [formField]="quotaForm.warnAtPercent"
                  placeholder="no warning"
                  data-testid="quota-warn"
                />
                <mat-hint>Answers carry x-plexus-quota-warning from this share on</mat-hint>
                <mat-error>{{ errorText(quotaForm.warnAtPercent) }}</mat-error>
              </mat-form-field>
            </div>
            <mat-slide-toggle class="toggle" [formField]="quotaForm.shared"
              >One bucket shared by every key holding it</mat-slide-toggle
            >
          </mat-card-content>
        </mat-card>
        <plx-field-errors [field]="quotaForm" [always]="true" />
        <div class="buttons">
          <a matButton routerLink="/quotas">Cancel</a>
          <button
            matButton="filled"
            type="submit"
            [disabled]="quotaForm().submitting() || managed()"
            data-testid="save"
          >
            {{ creating() ? 'Create quota' : 'Save' }}
          </button>
        </div>
      </form>
    </plx-load-state>
  `,
  styleUrl: '../shared/form-page.scss',
})
export class QuotaForm {
  /** The route's `:name`; absent when creating. */
  readonly name = input<string>();

  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly snack = inject(MatSnackBar);

  protected readonly errorText = errorText;
  protected readonly windows = QUOTA_WINDOWS;
  protected readonly limitTypes = QUOTA_LIMIT_TYPES;
  protected readonly creating = computed(() => this.name() === undefined);
  protected readonly existing = resource({
    params: () => this.name(),
    loader: ({ params }) => this.api.invoke(userQuotasControllerGet, { name: params }),
  });
  private readonly all = resource({ loader: () => this.api.invoke(userQuotasControllerList) });
  /** An object from the declarative config file: the API refuses changes (409), so the form only shows it. */
  protected readonly managed = computed(() => {
    const id = this.name();
    return id !== undefined && managedNames(this.all.hasValue() ? this.all.value() : undefined).has(id);
  });
  protected readonly managedHint = MANAGED_HINT;
  private readonly taken = computed(() => new Set(this.all.hasValue() ? Object.keys(this.all.value()) : []));
  protected readonly loadError = computed(() => {
    const error = this.existing.error();
    return error ? `Could not load quota: ${problemOf(error).message}` : null;
  });

  protected readonly model = signal(emptyQuotaForm());
  protected readonly quotaForm = form(
    this.model,
    quotaSchema({ creating: () => this.creating(), taken: () => this.taken() }),
  );
  protected readonly limitHint = computed(
    () =>
      ({
        requests: 'One per request',
        tokens: 'Input + cached + cache writes + output (reasoning included)',
        cost: 'US dollars; fractions allowed',
      })[this.model().limitType],
  );

  constructor() {
    effect(() => {
      if (this.existing.hasValue()) this.model.set(quotaFormOf(this.existing.value()));
    });
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    await submit(this.quotaForm, async () => {
      const model = this.model();
      try {
        await this.api.invoke(userQuotasControllerPut, { name: model.name, body: quotaPayload(model) });
      } catch (error) {
        return submissionErrors(problemOf(error), (path) =>
          fieldAt(this.quotaForm, path.length === 1 ? [SERVER_FIELDS[path[0] ?? ''] ?? path[0] ?? ''] : path),
        );
      }
      this.snack.open(`Quota '${model.name}' saved`, undefined, { duration: 4000 });
      await this.router.navigate(['/quotas']);
      return undefined;
    });
  }
}
