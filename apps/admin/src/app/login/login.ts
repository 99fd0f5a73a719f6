import { HttpContext } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input, signal, type OnInit } from '@angular/core';
import { FormField, form, required, submit } from '@angular/forms/signals';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { Api } from '../api/api';
import { authVerifyControllerVerify } from '../api/fn/management-auth/auth-verify-controller-verify';
import { oidcConfigControllerConfig } from '../api/fn/management-auth/oidc-config-controller-config';
import type { AuthVerifyResultDto } from '../api/models/auth-verify-result-dto';
import { CANDIDATE_ADMIN_KEY, CANDIDATE_BEARER } from '../core/admin-key.interceptor';
import { AdminSession } from '../core/admin-session';
import { describeProblem, problemOf } from '../core/api-problem';
import { finishOidcLogin, startOidcLogin, type OidcSettings } from '../core/oidc-login';
import { errorText } from '../shared/error-text';
import { FieldErrors } from '../shared/field-errors';

/** Only same-app paths are followed after signing in. */
export function safeReturnUrl(url: string | undefined, fallback = '/dashboard'): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login') ? url : fallback;
}

@Component({
  selector: 'plx-login',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormField, FieldErrors, MatCardModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  template: `
    <main class="page">
      <mat-card appearance="outlined" class="card">
        <mat-card-header>
          <mat-card-title>Plexus admin console</mat-card-title>
          <mat-card-subtitle
            >Sign in with the gateway's admin key, or your API key to see your own usage</mat-card-subtitle
          >
        </mat-card-header>
        @if (oidcError(); as message) {
          <p class="sso error" role="alert" data-testid="oidc-error">{{ message }}</p>
        }
        @if (oidc(); as settings) {
          <div class="sso">
            <button matButton="tonal" type="button" (click)="signInWithOidc(settings)" data-testid="oidc">
              Sign in with {{ issuerName(settings) }}
            </button>
            <span class="or">or use a key</span>
          </div>
        }
        @if (ssoState() === 'checking') {
          <p class="sso" role="status">Checking single sign-on…</p>
        } @else if (ssoState() === 'available') {
          <div class="sso">
            <button matButton="tonal" type="button" (click)="continueWithSso()" data-testid="sso">
              Continue as {{ ssoUser() ?? 'the signed-in user' }}
            </button>
            <span class="or">or use a key</span>
          </div>
        }
        <form (submit)="signIn($event)" novalidate>
          <mat-card-content>
            <mat-form-field class="full">
              <mat-label>Admin key or API key</mat-label>
              <input
                matInput
                type="password"
                autocomplete="current-password"
                [formField]="loginForm.key"
                data-testid="admin-key"
              />
              <mat-hint>Kept for this browser tab only</mat-hint>
              <mat-error>{{ errorText(loginForm.key) }}</mat-error>
            </mat-form-field>
            <plx-field-errors [field]="loginForm" [always]="true" />
          </mat-card-content>
          <mat-card-actions align="end">
            <button matButton="filled" type="submit" [disabled]="loginForm().submitting()">Sign in</button>
          </mat-card-actions>
        </form>
      </mat-card>
    </main>
  `,
  styles: `
    .page {
      min-height: 100vh;
      display: grid;
      place-items: center;
      background: var(--mat-sys-surface-container-low);
    }
    .card {
      width: min(420px, 92vw);
    }
    .full {
      width: 100%;
      margin-top: 16px;
    }
    .sso {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 8px;
      margin: 16px 16px 0;
      color: var(--mat-sys-on-surface-variant);
    }
    .or {
      font: var(--mat-sys-body-small);
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class Login implements OnInit {
  /** Where to go once signed in (a route query parameter). */
  readonly returnUrl = input<string>();
  /** Set after signing out: single sign-on is offered, not followed at once. */
  readonly signedOut = input<string>();
  /** The identity provider's answer (OIDC callback query parameters). */
  readonly code = input<string>();
  readonly error = input<string>();

  private readonly api = inject(Api);
  private readonly session = inject(AdminSession);
  private readonly router = inject(Router);

  protected readonly errorText = errorText;
  protected readonly model = signal({ key: '' });
  protected readonly loginForm = form(this.model, (path) => {
    required(path.key, { message: 'Enter the admin key or an API key' });
  });

  /** `available`: the trusted proxy in front of the gateway already vouches for this browser. */
  protected readonly ssoState = signal<'checking' | 'available' | 'none'>('checking');
  protected readonly ssoUser = signal<string | null>(null);

  /** Set when the gateway accepts ID tokens from an OpenID Connect provider. */
  protected readonly oidc = signal<OidcSettings | null>(null);
  protected readonly oidcError = signal<string | null>(null);

  async ngOnInit(): Promise<void> {
    if (this.code() !== undefined || this.error() !== undefined) {
      this.ssoState.set('none');
      await this.completeOidc();
      return;
    }
    try {
      const who = await this.api.invoke(authVerifyControllerVerify);
      if (who.role !== 'admin' || who.via !== 'sso') {
        this.ssoState.set('none');
        await this.loadOidc();
        return;
      }
      this.ssoUser.set(who.user ?? null);
      this.ssoState.set('available');
      if (this.signedOut() === undefined) await this.continueWithSso();
    } catch {
      this.ssoState.set('none');
      await this.loadOidc();
    }
  }

  private async oidcSettings(): Promise<OidcSettings | null> {
    const config = await this.api.invoke(oidcConfigControllerConfig);
    if (!config.enabled || !config.issuer || !config.clientId) return null;
    return { issuer: config.issuer, clientId: config.clientId, scopes: config.scopes ?? 'openid email profile' };
  }

  private async loadOidc(): Promise<void> {
    try {
      this.oidc.set(await this.oidcSettings());
    } catch {
      this.oidc.set(null);
    }
  }

  protected issuerName(settings: OidcSettings): string {
    try {
      return new URL(settings.issuer).host;
    } catch {
      return settings.issuer;
    }
  }

  protected async signInWithOidc(settings: OidcSettings): Promise<void> {
    this.oidcError.set(null);
    try {
      window.location.assign(
        await startOidcLogin(settings, window.location.origin, safeReturnUrl(this.returnUrl()), sessionStorage),
      );
    } catch (error) {
      this.oidcError.set(
        `Could not reach the identity provider: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Back from the identity provider: trade the code for an ID token, check the gateway accepts it, sign in. */
  private async completeOidc(): Promise<void> {
    try {
      const settings = await this.oidcSettings();
      if (settings === null) throw new Error('OIDC sign-in is not configured on this gateway');
      const result = await finishOidcLogin(settings, new URL(window.location.href), sessionStorage);
      const who = await this.api.invoke(
        authVerifyControllerVerify,
        {},
        new HttpContext().set(CANDIDATE_BEARER, result.idToken),
      );
      if (who.role !== 'admin') throw new Error('The gateway did not accept this sign-in as an admin');
      this.session.signInOidc(result.idToken, who.user ?? result.user);
      await this.router.navigateByUrl(safeReturnUrl(result.returnUrl));
    } catch (error) {
      this.oidcError.set(`Single sign-on failed: ${describeProblem(problemOf(error))}`);
      await this.loadOidc();
    }
  }

  protected async continueWithSso(): Promise<void> {
    this.session.signInSso(this.ssoUser() ?? undefined);
    await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
  }

  protected async signIn(event: Event): Promise<void> {
    event.preventDefault();
    await submit(this.loginForm, async () => {
      const key = this.model().key;
      let who: AuthVerifyResultDto;
      try {
        who = await this.api.invoke(authVerifyControllerVerify, {}, new HttpContext().set(CANDIDATE_ADMIN_KEY, key));
      } catch (error) {
        const problem = problemOf(error);
        const message = problem.status === 401 ? 'That key was not accepted' : `Could not sign in: ${problem.message}`;
        return [{ kind: 'server', message, fieldTree: this.loginForm.key }];
      }
      if (who.role === 'limited') {
        this.session.signIn(key, { role: 'limited', ...(who.keyName !== undefined && { keyName: who.keyName }) });
        await this.router.navigateByUrl(safeReturnUrl(this.returnUrl(), '/my-usage'));
      } else {
        this.session.signIn(key);
        await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
      }
      return undefined;
    });
  }
}
