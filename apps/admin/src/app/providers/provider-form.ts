import { ChangeDetectionStrategy, Component, computed, effect, inject, input, resource, signal } from '@angular/core';
import { FormField, form, submit, type FieldTree } from '@angular/forms/signals';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { providersControllerGet } from '../api/fn/management-providers/providers-controller-get';
import { providerToolingControllerFetchModels } from '../api/fn/management-providers/provider-tooling-controller-fetch-models';
import { providerToolingControllerTest } from '../api/fn/management-providers/provider-tooling-controller-test';
import { providersControllerList } from '../api/fn/management-providers/providers-controller-list';
import type { ProviderTestResultDto } from '../api/models/provider-test-result-dto';
import { providersControllerPatch } from '../api/fn/management-providers/providers-controller-patch';
import { providersControllerPut } from '../api/fn/management-providers/providers-controller-put';
import { describeProblem, problemOf } from '../core/api-problem';
import { errorText } from '../shared/error-text';
import { FieldErrors } from '../shared/field-errors';
import { ListInput } from '../shared/list-input';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { PageHeader } from '../shared/page-header';
import { fieldAt, submissionErrors } from '../shared/server-errors';
import {
  ADVANCED_FIELDS,
  API_TYPES,
  emptyProviderForm,
  fetchModelsPlan,
  mergeModels,
  providerFormOf,
  providerPayload,
  providerSchema,
  providerViewOf,
  type ProviderView,
} from './provider-model';

@Component({
  selector: 'plx-provider-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormField,
    FieldErrors,
    ListInput,
    LoadState,
    PageHeader,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatSlideToggleModule,
  ],
  templateUrl: './provider-form.html',
  styleUrl: '../shared/form-page.scss',
  styles: `
    .tools {
      align-items: center;
      margin: 8px 0;
    }
    textarea.mono {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-size: 12px;
    }
    .test-result {
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
      word-break: break-word;
    }
    .test-result.bad {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class ProviderForm {
  /** The route's `:slug`; absent when creating. */
  readonly slug = input<string>();

  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly snack = inject(MatSnackBar);

  protected readonly apiTypes = API_TYPES;
  protected readonly advancedFields = ADVANCED_FIELDS.join(', ');
  protected readonly errorText = errorText;
  protected readonly creating = computed(() => this.slug() === undefined);

  protected readonly existing = resource({
    params: () => this.slug(),
    loader: async ({ params }) =>
      providerViewOf(params, await this.api.invoke(providersControllerGet, { slug: params })),
  });
  private readonly all = resource({ loader: () => this.api.invoke(providersControllerList) });
  /** An object from the declarative config file: the API refuses changes (409), so the form only shows it. */
  protected readonly managed = computed(() => {
    const id = this.slug();
    return id !== undefined && managedNames(this.all.hasValue() ? this.all.value() : undefined).has(id);
  });
  protected readonly managedHint = MANAGED_HINT;
  private readonly taken = computed(() => new Set(this.all.hasValue() ? Object.keys(this.all.value()) : []));

  protected readonly loadError = computed(() => {
    const error = this.existing.error();
    return error ? `Could not load provider: ${problemOf(error).message}` : null;
  });
  protected readonly original = computed<ProviderView | null>(() =>
    this.existing.hasValue() ? this.existing.value() : null,
  );

  protected readonly model = signal(emptyProviderForm());
  protected readonly providerForm = form(
    this.model,
    providerSchema({ creating: () => this.creating(), taken: () => this.taken() }),
  );

  constructor() {
    effect(() => {
      const original = this.original();
      if (original) this.model.set(providerFormOf(original));
    });
  }

  protected readonly fetching = signal(false);
  protected readonly fetchNote = signal<string | null>(null);
  protected readonly testModel = signal<string | null>(null);
  protected readonly testing = signal(false);
  protected readonly testResult = signal<ProviderTestResultDto | null>(null);

  protected async fetchModels(): Promise<void> {
    const plan = fetchModelsPlan(this.model(), this.creating());
    if (!plan.ok) {
      this.fetchNote.set(plan.problem);
      return;
    }
    this.fetching.set(true);
    this.fetchNote.set('Asking the upstream…');
    try {
      const result = await this.api.invoke(providerToolingControllerFetchModels, { body: plan.body });
      const { models, added } = mergeModels(
        this.model().models,
        result.data.map((m) => m.id),
      );
      this.model.update((current) => ({ ...current, models }));
      this.fetchNote.set(`The upstream lists ${result.data.length} model(s); ${added} added`);
    } catch (error) {
      this.fetchNote.set(`Could not fetch models: ${describeProblem(problemOf(error))}`);
    }
    this.fetching.set(false);
  }

  protected async test(): Promise<void> {
    const model = this.testModel();
    const provider = this.slug();
    if (model === null || provider === undefined) return;
    this.testing.set(true);
    this.testResult.set(null);
    try {
      this.testResult.set(await this.api.invoke(providerToolingControllerTest, { body: { provider, model } }));
    } catch (error) {
      this.testResult.set({ success: false, durationMs: 0, apiType: '—', error: describeProblem(problemOf(error)) });
    }
    this.testing.set(false);
  }

  protected addUrl(): void {
    this.model.update((m) => ({ ...m, urls: [...m.urls, { type: '', url: '' }] }));
  }

  protected removeUrl(index: number): void {
    this.model.update((m) => ({ ...m, urls: m.urls.filter((_, i) => i !== index) }));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    await submit(this.providerForm, async () => {
      const model = this.model();
      const original = this.original();
      try {
        const body = providerPayload(model, original);
        if (original) await this.api.invoke(providersControllerPatch, { slug: original.slug, body: { ...body } });
        else await this.api.invoke(providersControllerPut, { slug: model.slug, body });
      } catch (error) {
        return submissionErrors(problemOf(error), (path) => this.fieldFor(path));
      }
      this.snack.open(`Provider '${model.slug}' saved`, undefined, { duration: 4000 });
      await this.router.navigate(['/providers']);
      return undefined;
    });
  }

  /** Server paths name the API's fields; the URL map is edited as rows. */
  private fieldFor(path: readonly string[]): FieldTree<unknown> | undefined {
    const f = this.providerForm;
    if (path[0] === 'api_base_url') {
      if (this.model().urlMode === 'single') return f.api_base_url;
      const index = this.model().urls.findIndex((entry) => entry.type === path[1]);
      return index >= 0 ? f.urls[index]?.url : f.urls;
    }
    if (path[0] === 'models') return f.models;
    return fieldAt(f, path);
  }
}
