import { ChangeDetectionStrategy, Component, computed, effect, inject, input, resource, signal } from '@angular/core';
import { FormField, form, submit } from '@angular/forms/signals';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { Api } from '../api/api';
import { keysControllerGet } from '../api/fn/management-keys/keys-controller-get';
import { keysControllerList } from '../api/fn/management-keys/keys-controller-list';
import { keysControllerPatch } from '../api/fn/management-keys/keys-controller-patch';
import { keysControllerPut } from '../api/fn/management-keys/keys-controller-put';
import { userQuotasControllerList } from '../api/fn/management-quotas-user/user-quotas-controller-list';
import { problemOf } from '../core/api-problem';
import { errorText } from '../shared/error-text';
import { FieldErrors } from '../shared/field-errors';
import { ListInput } from '../shared/list-input';
import { LoadState } from '../shared/load-state';
import { MANAGED_HINT, managedNames } from '../shared/managed';
import { PageHeader } from '../shared/page-header';
import { fieldAt, submissionErrors } from '../shared/server-errors';
import {
  emptyKeyForm,
  generateSecret,
  keyCreatePayload,
  keyFormOf,
  keyPolicyPayload,
  keySchema,
  keyViewOf,
} from './key-model';
import { SecretDialog, type SecretDialogData } from './secret-dialog';

@Component({
  selector: 'plx-key-form',
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
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './key-form.html',
  styleUrl: '../shared/form-page.scss',
})
export class KeyForm {
  /** The route's `:name`; absent when creating. */
  readonly name = input<string>();

  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly snack = inject(MatSnackBar);

  protected readonly errorText = errorText;
  protected readonly creating = computed(() => this.name() === undefined);
  protected readonly existing = resource({
    params: () => this.name(),
    loader: async ({ params }) => keyViewOf(params, await this.api.invoke(keysControllerGet, { name: params })),
  });
  private readonly all = resource({ loader: () => this.api.invoke(keysControllerList) });
  /** An object from the declarative config file: the API refuses changes (409), so the form only shows it. */
  protected readonly managed = computed(() => {
    const id = this.name();
    return id !== undefined && managedNames(this.all.hasValue() ? this.all.value() : undefined).has(id);
  });
  protected readonly managedHint = MANAGED_HINT;
  private readonly quotaList = resource({ loader: () => this.api.invoke(userQuotasControllerList) });
  protected readonly quotaNames = computed(() =>
    this.quotaList.hasValue() ? Object.keys(this.quotaList.value()).sort() : [],
  );
  private readonly taken = computed(() => new Set(this.all.hasValue() ? Object.keys(this.all.value()) : []));
  protected readonly loadError = computed(() => {
    const error = this.existing.error();
    return error ? `Could not load key: ${problemOf(error).message}` : null;
  });

  protected readonly model = signal(emptyKeyForm());
  protected readonly keyForm = form(
    this.model,
    keySchema({ creating: () => this.creating(), taken: () => this.taken() }),
  );

  constructor() {
    effect(() => {
      if (this.existing.hasValue()) this.model.set(keyFormOf(this.existing.value()));
    });
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    await submit(this.keyForm, async () => {
      const model = this.model();
      const secret = this.creating() ? generateSecret() : null;
      try {
        if (secret !== null)
          await this.api.invoke(keysControllerPut, { name: model.name, body: keyCreatePayload(model, secret) });
        else await this.api.invoke(keysControllerPatch, { name: model.name, body: { ...keyPolicyPayload(model) } });
      } catch (error) {
        return submissionErrors(problemOf(error), (path) =>
          path[0] === 'secret' ? undefined : fieldAt(this.keyForm, path),
        );
      }
      if (secret !== null) {
        const ref = this.dialog.open<SecretDialog, SecretDialogData>(SecretDialog, {
          data: { name: model.name, secret },
          disableClose: true,
          width: '520px',
        });
        await firstValueFrom(ref.afterClosed());
      } else {
        this.snack.open(`Key '${model.name}' saved`, undefined, { duration: 4000 });
      }
      await this.router.navigate(['/keys']);
      return undefined;
    });
  }
}
