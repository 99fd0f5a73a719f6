import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  computed,
  effect,
  inject,
  input,
  resource,
  signal,
  type OnInit,
} from '@angular/core';
import { FormField, form, submit, type FieldTree } from '@angular/forms/signals';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Api } from '../api/api';
import { problemOf } from '../core/api-problem';
import { errorText } from '../shared/error-text';
import { FieldErrors } from '../shared/field-errors';
import { ListInput } from '../shared/list-input';
import { LoadState } from '../shared/load-state';
import { fieldAt, submissionErrors } from '../shared/server-errors';
import { SETTINGS_ENDPOINTS } from './settings-endpoints';
import {
  settingsFormOf,
  settingsPayload,
  settingsSchema,
  type SettingsFormModel,
  type SettingsSectionSpec,
} from './settings-model';

/** One settings group: loads its current values, validates, and PATCHes only what changed. */
@Component({
  selector: 'plx-settings-section',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FormField,
    FieldErrors,
    ListInput,
    LoadState,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatSlideToggleModule,
  ],
  template: `
    @let s = spec();
    <mat-card appearance="outlined" class="section" [attr.data-testid]="'settings-' + s.id">
      <mat-card-content>
        <h2>{{ s.title }}</h2>
        <p class="hint">{{ s.description }}</p>
        <plx-load-state [loading]="current.isLoading()" [error]="loadError()" (retry)="current.reload()">
          @if (current.hasValue()) {
            <form (submit)="save($event)" novalidate>
              <div class="row">
                @for (field of s.fields; track field.key) {
                  @switch (field.kind) {
                    @case ('number') {
                      <mat-form-field class="grow">
                        <mat-label>{{ field.label }}</mat-label>
                        <input
                          matInput
                          inputmode="decimal"
                          [formField]="text(field.key)"
                          [attr.data-testid]="s.id + '-' + field.key"
                          [placeholder]="field.nullable ? 'off' : ''"
                        />
                        @if (field.unit) {
                          <span matTextSuffix>{{ field.unit }}</span>
                        }
                        @if (field.hint) {
                          <mat-hint>{{ field.hint }}</mat-hint>
                        }
                        <mat-error>{{ errorText(text(field.key)) }}</mat-error>
                      </mat-form-field>
                    }
                    @case ('toggle') {
                      <mat-slide-toggle
                        class="toggle full"
                        [formField]="toggle(field.key)"
                        [attr.data-testid]="s.id + '-' + field.key"
                        >{{ field.label }}</mat-slide-toggle
                      >
                    }
                    @case ('text') {
                      <mat-form-field class="full">
                        <mat-label>{{ field.label }}</mat-label>
                        @if (field.multiline) {
                          <textarea
                            matInput
                            rows="3"
                            [formField]="text(field.key)"
                            [attr.data-testid]="s.id + '-' + field.key"
                          ></textarea>
                        } @else {
                          <input matInput [formField]="text(field.key)" [attr.data-testid]="s.id + '-' + field.key" />
                        }
                        @if (field.hint) {
                          <mat-hint>{{ field.hint }}</mat-hint>
                        }
                        <mat-error>{{ errorText(text(field.key)) }}</mat-error>
                      </mat-form-field>
                    }
                    @case ('list') {
                      <div class="full">
                        <plx-list-input [formField]="list(field.key)" [label]="field.label" [hint]="field.hint ?? ''" />
                        <plx-field-errors [field]="list(field.key)" [always]="true" />
                      </div>
                    }
                  }
                }
              </div>
              <plx-field-errors [field]="sectionForm" [always]="true" />
              <div class="buttons">
                @if (s.action; as action) {
                  <button matButton type="button" (click)="runAction()" [attr.data-testid]="s.id + '-action'">
                    {{ action.label }}
                  </button>
                }
                <button matButton type="button" (click)="reset()" [disabled]="!dirty()">Undo changes</button>
                <button
                  matButton="filled"
                  type="submit"
                  [disabled]="sectionForm().submitting() || !dirty()"
                  [attr.data-testid]="s.id + '-save'"
                >
                  Save
                </button>
              </div>
            </form>
          }
        </plx-load-state>
      </mat-card-content>
    </mat-card>
  `,
  styleUrl: '../shared/form-page.scss',
  styles: `
    .full {
      flex: 1 1 100%;
    }
    .toggle {
      margin: 4px 0 12px;
    }
  `,
})
export class SettingsSection implements OnInit {
  readonly spec = input.required<SettingsSectionSpec>();

  private readonly api = inject(Api);
  private readonly snack = inject(MatSnackBar);
  private readonly injector = inject(Injector);

  protected readonly errorText = errorText;
  private readonly endpoints = computed(() => SETTINGS_ENDPOINTS[this.spec().id]);
  protected readonly current = resource({
    params: () => this.endpoints(),
    loader: async ({ params }) => (await params.load(this.api)) as Record<string, unknown>,
  });
  protected readonly loadError = computed(() => {
    const error = this.current.error();
    return error ? `Could not load: ${problemOf(error).message}` : null;
  });

  private readonly saved = signal<SettingsFormModel>({});
  protected readonly model = signal<SettingsFormModel>({});
  /** Built once the spec input is set (the schema depends on it); the template shows it only after loading. */
  protected sectionForm!: FieldTree<SettingsFormModel>;
  protected readonly dirty = computed(() => JSON.stringify(this.model()) !== JSON.stringify(this.saved()));

  constructor() {
    effect(() => {
      if (!this.current.hasValue()) return;
      const values = settingsFormOf(this.spec(), this.current.value());
      this.saved.set(values);
      this.model.set(structuredClone(values));
    });
  }

  ngOnInit(): void {
    this.sectionForm = form(this.model, settingsSchema(this.spec()), { injector: this.injector });
  }

  protected text(key: string): FieldTree<string> {
    return this.sectionForm[key] as FieldTree<string>;
  }

  protected toggle(key: string): FieldTree<boolean> {
    return this.sectionForm[key] as FieldTree<boolean>;
  }

  protected list(key: string): FieldTree<string[]> {
    return this.sectionForm[key] as FieldTree<string[]>;
  }

  protected async runAction(): Promise<void> {
    const { action } = this.spec();
    const run = this.endpoints().action;
    if (!action || !run) return;
    try {
      await run(this.api);
      this.snack.open(action.done, undefined, { duration: 3000 });
    } catch (error) {
      this.snack.open(problemOf(error).message, 'Dismiss');
    }
  }

  protected reset(): void {
    this.model.set(structuredClone(this.saved()));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    await submit(this.sectionForm, async () => {
      const spec = this.spec();
      let updated: Record<string, unknown>;
      try {
        updated = (await this.endpoints().save(this.api, settingsPayload(spec, this.model(), this.saved()))) as Record<
          string,
          unknown
        >;
      } catch (error) {
        return submissionErrors(problemOf(error), (path) => fieldAt(this.sectionForm, path));
      }
      const values = settingsFormOf(spec, updated);
      this.saved.set(values);
      this.model.set(structuredClone(values));
      this.snack.open(`${spec.title} saved`, undefined, { duration: 3000 });
      return undefined;
    });
  }
}
