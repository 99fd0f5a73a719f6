import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';

/** Generic "not built yet" page; `heading` comes from the route's data via component input binding. */
@Component({
  selector: 'plx-placeholder',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>{{ heading() }}</mat-card-title>
      </mat-card-header>
      <mat-card-content>
        <p>This section of the Plexus admin console is coming soon.</p>
      </mat-card-content>
    </mat-card>
  `,
})
export class Placeholder {
  readonly heading = input('');
}
