import { ChangeDetectionStrategy, Component } from '@angular/core';
import { PageHeader } from '../shared/page-header';
import { SettingsSection } from './settings-section';
import { SETTINGS_SECTIONS } from './settings-model';

@Component({
  selector: 'plx-settings-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [PageHeader, SettingsSection],
  template: `
    <plx-page-header
      heading="Settings"
      subtitle="Routing, resilience and debugging, shared by every replica; changes apply at once"
    />
    <div class="sections">
      @for (spec of sections; track spec.id) {
        <plx-settings-section [spec]="spec" />
      }
    </div>
  `,
  styles: `
    .sections {
      max-width: 880px;
    }
  `,
})
export class SettingsPage {
  protected readonly sections = SETTINGS_SECTIONS;
}
