import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { FieldTree } from '@angular/forms/signals';

/** The messages of a field's errors, shown once the field was touched (or always, with `always`). */
@Component({
  selector: 'plx-field-errors',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let state = field()();
    @if (always() || state.touched()) {
      @for (error of state.errors(); track $index) {
        <div class="error" role="alert">{{ error.message ?? error.kind }}</div>
      }
    }
  `,
  styles: `
    .error {
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
      margin: 0 16px 8px;
    }
  `,
})
export class FieldErrors {
  readonly field = input.required<FieldTree<unknown>>();
  readonly always = input(false);
}
