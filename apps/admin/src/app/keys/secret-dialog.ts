import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

export interface SecretDialogData {
  readonly name: string;
  readonly secret: string;
  /** A new secret for an existing key (the old one stopped working). */
  readonly rotated?: boolean;
}

/** Shows a new key's secret, once: the API only ever returns it masked. */
@Component({
  selector: 'plx-secret-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title>Key '{{ data.name }}' {{ data.rotated ? 'has a new secret' : 'created' }}</h2>
    <mat-dialog-content>
      <p>Copy the secret now. It is shown <strong>only once</strong>; afterwards only a masked form is available.</p>
      <code class="secret" data-testid="new-secret">{{ data.secret }}</code>
      <p class="hint">Clients send it as <code>Authorization: Bearer …</code> or <code>x-api-key</code>.</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button matButton type="button" (click)="copy()" data-testid="copy-secret">
        {{ copied() ? 'Copied' : 'Copy' }}
      </button>
      <button matButton="filled" type="button" mat-dialog-close data-testid="close-secret">Done</button>
    </mat-dialog-actions>
  `,
  styles: `
    .secret {
      display: block;
      padding: 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-highest);
      font-size: 14px;
      word-break: break-all;
      user-select: all;
    }
    .hint {
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
  `,
})
export class SecretDialog {
  protected readonly data = inject<SecretDialogData>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  protected readonly copied = signal(false);

  protected copy(): void {
    this.copied.set(this.clipboard.copy(this.data.secret));
  }
}
