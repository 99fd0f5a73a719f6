import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { NAV_ENTRIES } from './app.routes';

@Component({
  selector: 'plx-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatToolbarModule, MatSidenavModule, MatListModule],
  template: `
    <mat-toolbar class="topbar">
      <span class="brand">Plexus</span>
      <span class="subtitle">admin console</span>
    </mat-toolbar>
    <mat-sidenav-container class="shell">
      <mat-sidenav mode="side" opened class="nav">
        <mat-nav-list aria-label="Main navigation">
          @for (entry of entries; track entry.path) {
            @if (entry.comingSoon) {
              <mat-list-item disabled>
                <span matListItemTitle>{{ entry.label }}</span>
                <span matListItemLine class="soon">coming soon</span>
              </mat-list-item>
            } @else {
              <a
                mat-list-item
                [routerLink]="['/', entry.path]"
                routerLinkActive
                #rla="routerLinkActive"
                [activated]="rla.isActive"
                [attr.aria-current]="rla.isActive ? 'page' : null"
                >{{ entry.label }}</a
              >
            }
          }
        </mat-nav-list>
      </mat-sidenav>
      <mat-sidenav-content class="content">
        <router-outlet />
      </mat-sidenav-content>
    </mat-sidenav-container>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
    }
    .topbar {
      gap: 12px;
      background: var(--mat-sys-primary);
      color: var(--mat-sys-on-primary);
    }
    .brand {
      font-weight: 600;
    }
    .subtitle {
      font: var(--mat-sys-body-medium);
      opacity: 0.8;
    }
    .shell {
      flex: 1;
    }
    .nav {
      width: 220px;
    }
    .soon {
      font-style: italic;
    }
    .content {
      padding: 24px;
    }
  `,
})
export class App {
  protected readonly entries = NAV_ENTRIES;
}
