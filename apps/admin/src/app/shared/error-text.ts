import type { FieldTree } from '@angular/forms/signals';

/** A field's own error messages on one line, for a `<mat-error>` (shown once the field is touched). */
export function errorText(field: FieldTree<unknown>): string {
  return field()
    .errors()
    .map((error) => error.message ?? error.kind)
    .join(' · ');
}
