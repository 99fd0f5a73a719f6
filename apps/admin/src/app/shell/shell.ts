import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { MatSidenavContent, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AdminSession } from '../core/admin-session';
import { navEntriesFor } from './nav';

/** The signed-in layout: top bar, side navigation, page. */
@Component({
  selector: 'plx-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatButtonModule,
  ],
  template: `
    <mat-toolbar class="topbar">
      <span class="brand">Plexus</span>
      <span class="subtitle">{{ limited() ? 'usage console' : 'admin console' }}</span>
      <span class="spacer"></span>
      @if (limited()) {
        <span class="who" data-testid="signed-in-as">API key {{ session.identity().keyName }}</span>
      } @else if (session.sso()) {
        <span class="who" data-testid="signed-in-as">{{ session.identity().user ?? 'Signed in by SSO' }}</span>
      }
      <button matButton class="signout" type="button" (click)="signOut()">Sign out</button>
    </mat-toolbar>
    <mat-sidenav-container class="shell">
      <mat-sidenav mode="side" opened class="nav">
        <mat-nav-list aria-label="Main navigation">
          @for (entry of entries(); track entry.path) {
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
      /* The toolbar colours its buttons with this token, over the button's own. */
      --mat-toolbar-container-text-color: var(--mat-sys-on-primary);
    }
    .brand {
      font-weight: 600;
    }
    .subtitle {
      font: var(--mat-sys-body-medium);
      opacity: 0.8;
    }
    .spacer {
      flex: 1;
    }
    .who {
      font: var(--mat-sys-body-medium);
    }
    .signout {
      --mat-button-text-label-text-color: var(--mat-sys-on-primary);
    }
    .shell {
      flex: 1;
    }
    .nav {
      width: 220px;
      --mat-list-list-item-disabled-state-layer-opacity: 0;
    }
    .soon {
      font-style: italic;
    }
    .content {
      box-sizing: border-box;
      padding: 24px;
    }
  `,
})
export class Shell {
  protected readonly session = inject(AdminSession);
  protected readonly limited = this.session.limited;
  protected readonly entries = computed(() => navEntriesFor(this.limited()));
  private readonly router = inject(Router);
  private readonly content = viewChild.required(MatSidenavContent);

  constructor() {
    // Pages scroll inside the side-nav content, which the router's scroll restoration doesn't reach.
    const subscription = this.router.events.subscribe((event) => {
      if (event instanceof NavigationEnd) this.content().scrollTo({ top: 0 });
    });
    inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
  }

  protected signOut(): void {
    const sso = this.session.sso();
    this.session.signOut();
    void this.router.navigate(['/login'], sso ? { queryParams: { signedOut: '1' } } : {});
  }
}
