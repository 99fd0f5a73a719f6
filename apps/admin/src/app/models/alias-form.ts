import { ChangeDetectionStrategy, Component, computed, effect, inject, input, resource, signal } from '@angular/core';
import { FormField, form, submit } from '@angular/forms/signals';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../api/api';
import { aliasesControllerGet } from '../api/fn/management-aliases/aliases-controller-get';
import { aliasesControllerList } from '../api/fn/management-aliases/aliases-controller-list';
import { aliasesControllerPatch } from '../api/fn/management-aliases/aliases-controller-patch';
import { aliasesControllerPut } from '../api/fn/management-aliases/aliases-controller-put';
import { providersControllerList } from '../api/fn/management-providers/providers-controller-list';
import { problemOf } from '../core/api-problem';
import { providerViewsOf } from '../providers/provider-model';
import { errorText } from '../shared/error-text';
import { FieldErrors } from '../shared/field-errors';
import { ListInput } from '../shared/list-input';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { PageHeader } from '../shared/page-header';
import { fieldAt, submissionErrors } from '../shared/server-errors';
import {
  ALIAS_TYPES,
  ALIAS_TYPE_LABELS,
  PRIORITIES,
  COMPACTION_LABELS,
  COMPACTION_OVERRIDES,
  PRIORITY_LABELS,
  SELECTORS,
  SELECTOR_LABELS,
  aliasOf,
  aliasPayload,
  aliasSchema,
  aliasesOf,
  emptyAliasForm,
  emptyGroup,
  emptyTarget,
  move,
  nextGroupName,
  type AliasFormModel,
  type AliasGroupModel,
} from './alias-model';

@Component({
  selector: 'plx-alias-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormField,
    FieldErrors,
    ListInput,
    LoadState,
    PageHeader,
    RouterLink,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './alias-form.html',
  styleUrl: '../shared/form-page.scss',
  styles: `
    .group-head {
      display: flex;
      gap: 12px;
      align-items: flex-start;
      flex-wrap: wrap;
    }
    .target {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .order {
      width: 24px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class AliasForm {
  /** The route's `:slug`; absent when creating. */
  readonly slug = input<string>();

  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly snack = inject(MatSnackBar);

  protected readonly errorText = errorText;
  protected readonly types = ALIAS_TYPES;
  protected readonly typeLabels = ALIAS_TYPE_LABELS;
  protected readonly priorities = PRIORITIES;
  protected readonly priorityLabels = PRIORITY_LABELS;
  protected readonly compactionOverrides = COMPACTION_OVERRIDES;
  protected readonly compactionLabels = COMPACTION_LABELS;
  protected readonly selectors = SELECTORS;
  protected readonly selectorLabels = SELECTOR_LABELS;
  protected readonly creating = computed(() => this.slug() === undefined);

  protected readonly existing = resource({
    params: () => this.slug(),
    loader: async ({ params }) => aliasOf(params, await this.api.invoke(aliasesControllerGet, { slug: params })),
  });
  private readonly others = resource({ loader: () => this.api.invoke(aliasesControllerList) });
  /** An object from the declarative config file: the API refuses changes (409), so the form only shows it. */
  protected readonly managed = computed(() => {
    const id = this.slug();
    return id !== undefined && managedNames(this.others.hasValue() ? this.others.value() : undefined).has(id);
  });
  protected readonly managedHint = MANAGED_HINT;
  private readonly providerList = resource({ loader: () => this.api.invoke(providersControllerList) });
  protected readonly providers = computed(() =>
    this.providerList.hasValue() ? providerViewsOf(this.providerList.value()) : [],
  );

  /** Name → the alias using it (its slug or one of its additional names). */
  private readonly names = computed(() => {
    const owners = new Map<string, string>();
    for (const alias of this.others.hasValue() ? aliasesOf(this.others.value()) : []) {
      if (alias.slug === this.slug()) continue;
      for (const name of [alias.slug, ...alias.additional_aliases]) owners.set(name, alias.slug);
    }
    return owners;
  });

  protected readonly loadError = computed(() => {
    const error = this.existing.error() ?? this.providerList.error();
    return error ? `Could not load: ${problemOf(error).message}` : null;
  });

  protected readonly model = signal<AliasFormModel>(emptyAliasForm());
  protected readonly aliasForm = form(
    this.model,
    aliasSchema({ creating: () => this.creating(), takenBy: (name) => this.names().get(name) ?? null }),
  );

  constructor() {
    effect(() => {
      if (this.existing.hasValue()) this.model.set(this.existing.value());
    });
  }

  protected modelsOf(provider: string): readonly string[] {
    return this.providers().find((p) => p.slug === provider)?.models ?? [];
  }

  private updateGroups(change: (groups: AliasGroupModel[]) => AliasGroupModel[]): void {
    this.model.update((m) => ({ ...m, target_groups: change(m.target_groups) }));
  }

  private updateTargets(
    groupIndex: number,
    change: (targets: AliasGroupModel['targets']) => AliasGroupModel['targets'],
  ): void {
    this.updateGroups((groups) => groups.map((g, i) => (i === groupIndex ? { ...g, targets: change(g.targets) } : g)));
  }

  protected addGroup(): void {
    this.updateGroups((groups) => [...groups, emptyGroup(nextGroupName(groups))]);
  }

  protected removeGroup(index: number): void {
    this.updateGroups((groups) => groups.filter((_, i) => i !== index));
  }

  protected moveGroup(index: number, delta: number): void {
    this.updateGroups((groups) => move(groups, index, delta));
  }

  protected addTarget(groupIndex: number): void {
    this.updateTargets(groupIndex, (targets) => [...targets, emptyTarget()]);
  }

  protected removeTarget(groupIndex: number, index: number): void {
    this.updateTargets(groupIndex, (targets) => targets.filter((_, i) => i !== index));
  }

  protected moveTarget(groupIndex: number, index: number, delta: number): void {
    this.updateTargets(groupIndex, (targets) => move(targets, index, delta));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    await submit(this.aliasForm, async () => {
      const model = this.model();
      const body = aliasPayload(model);
      try {
        if (this.creating()) await this.api.invoke(aliasesControllerPut, { slug: model.slug, body });
        else await this.api.invoke(aliasesControllerPatch, { slug: model.slug, body: { ...body } });
      } catch (error) {
        return submissionErrors(problemOf(error), (path) => fieldAt(this.aliasForm, path));
      }
      this.snack.open(`Alias '${model.slug}' saved`, undefined, { duration: 4000 });
      await this.router.navigate(['/models']);
      return undefined;
    });
  }
}
