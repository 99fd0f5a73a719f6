import { COMMA, ENTER } from '@angular/cdk/keycodes';
import { ChangeDetectionStrategy, Component, input, model, output } from '@angular/core';
import type { FormValueControl, ValidationError } from '@angular/forms/signals';
import { MatChipsModule, type MatChipInputEvent } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';

/** Splits pasted or typed text into list items: commas, new lines and tabs separate them. */
export function splitItems(text: string): string[] {
  return text
    .split(/[,\n\t]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A list of strings as chips; Enter, comma or pasting a list adds items. Duplicates are ignored. */
@Component({
  selector: 'plx-list-input',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatFormFieldModule, MatChipsModule],
  template: `
    <mat-form-field class="list" subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <mat-chip-grid #grid [disabled]="disabled()" [attr.aria-label]="label()">
        @for (item of value(); track item) {
          <mat-chip-row (removed)="remove(item)">
            {{ item }}
            <button matChipRemove type="button" [attr.aria-label]="'Remove ' + item">✕</button>
          </mat-chip-row>
        }
        <input
          [attr.aria-label]="label()"
          [attr.data-testid]="testId()"
          [placeholder]="placeholder()"
          [matChipInputFor]="grid"
          [matChipInputSeparatorKeyCodes]="separators"
          [matChipInputAddOnBlur]="true"
          (matChipInputTokenEnd)="add($event)"
          (paste)="paste($event)"
          (blur)="touch.emit()"
        />
      </mat-chip-grid>
      @if (hint()) {
        <mat-hint>{{ hint() }}</mat-hint>
      }
    </mat-form-field>
    @if (touched()) {
      @for (error of errors(); track $index) {
        <div class="error" role="alert">{{ error.message ?? error.kind }}</div>
      }
    }
  `,
  styles: `
    :host {
      display: block;
    }
    .list {
      width: 100%;
    }
    .error {
      color: var(--mat-sys-error);
      font: var(--mat-sys-body-small);
      margin: 2px 16px 4px;
    }
  `,
})
export class ListInput implements FormValueControl<string[]> {
  readonly value = model<string[]>([]);
  readonly touched = input(false);
  readonly touch = output<void>();
  readonly disabled = input(false);
  readonly errors = input<readonly ValidationError.WithOptionalFieldTree[]>([]);
  readonly label = input('');
  readonly placeholder = input('Type and press Enter');
  readonly hint = input('');
  readonly testId = input<string | null>(null);

  protected readonly separators = [ENTER, COMMA] as const;

  protected add(event: MatChipInputEvent): void {
    this.addAll(splitItems(event.value));
    event.chipInput.clear();
  }

  protected paste(event: ClipboardEvent): void {
    const text = event.clipboardData?.getData('text') ?? '';
    if (!/[,\n\t]/.test(text)) return;
    event.preventDefault();
    this.addAll(splitItems(text));
  }

  protected remove(item: string): void {
    this.value.update((items) => items.filter((existing) => existing !== item));
    this.touch.emit();
  }

  private addAll(items: string[]): void {
    if (items.length === 0) return;
    this.value.update((current) => [...new Set([...current, ...items])]);
  }
}
