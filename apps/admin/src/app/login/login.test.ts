import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text, typeInto } from '../testing/test-setup';
import { Login, safeReturnUrl } from './login';

describe('Login', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
  });

  afterEach(() => http.verify());

  /** The page first asks whether a trusted proxy signed this browser in (no key sent). */
  function answerSsoProbe(body: object | null): void {
    const probe = expectCall(http, 'GET', '/v0/management/auth/verify');
    expect(probe.request.headers.has('x-admin-key')).toBe(false);
    if (body === null) probe.flush({ error: { message: 'Unauthorized' } }, { status: 401, statusText: 'Unauthorized' });
    else probe.flush(body);
  }

  /** Without SSO the page asks whether OIDC sign-in is configured. */
  async function answerOidcConfig(
    fixture: ComponentFixture<unknown>,
    body: object = { enabled: false },
  ): Promise<void> {
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/auth/oidc').flush(body);
    await settle(fixture);
  }

  async function submitKey(key: string) {
    const fixture = await render(Login, { returnUrl: '/logs' });
    answerSsoProbe(null);
    await answerOidcConfig(fixture);
    typeInto(fixture, 'admin-key', key);
    (fixture.nativeElement as HTMLElement).querySelector('form')?.dispatchEvent(new Event('submit'));
    await settle(fixture);
    return fixture;
  }

  it('refuses a wrong key with a message and stays signed out', async () => {
    const fixture = await submitKey('wrong');
    const check = expectCall(http, 'GET', '/v0/management/auth/verify');
    expect(check.request.headers.get('x-admin-key')).toBe('wrong');
    check.flush(
      { error: { message: 'Unauthorized', type: 'auth_error', code: 401 } },
      { status: 401, statusText: 'Unauthorized' },
    );
    await settle(fixture);
    expect(text(fixture)).toContain('That key was not accepted');
    expect(TestBed.inject(AdminSession).signedIn()).toBe(false);
  });

  it('signs an API key in as a limited session with its name', async () => {
    const fixture = await submitKey('sk-client');
    expectCall(http, 'GET', '/v0/management/auth/verify').flush({ ok: true, role: 'limited', keyName: 'ci' });
    await settle(fixture);
    const session = TestBed.inject(AdminSession);
    expect(session.key()).toBe('sk-client');
    expect(session.limited()).toBe(true);
    expect(session.identity()).toEqual({ role: 'limited', keyName: 'ci' });
    expect(TestBed.inject(Router).url).toBe('/logs');
  });

  it('says so when the gateway cannot be reached', async () => {
    const fixture = await submitKey('any');
    expectCall(http, 'GET', '/v0/management/auth/verify').error(new ProgressEvent('error'), { status: 0 });
    await settle(fixture);
    expect(text(fixture)).toContain('Could not sign in: The gateway could not be reached');
  });

  it('signs in with an accepted key and returns to the wanted page', async () => {
    const fixture = await submitKey('right');
    expectCall(http, 'GET', '/v0/management/auth/verify').flush({ ok: true, role: 'admin' });
    await settle(fixture);
    expect(TestBed.inject(AdminSession).key()).toBe('right');
    expect(TestBed.inject(Router).url).toBe('/logs');
  });

  it('requires a key before asking the gateway', async () => {
    const fixture = await submitKey('');
    http.expectNone('/v0/management/auth/verify');
    expect(text(fixture)).toContain('Enter the admin key or an API key');
  });

  it('follows only same-app return URLs', () => {
    expect(safeReturnUrl('/keys?x=1')).toBe('/keys?x=1');
    expect(safeReturnUrl(undefined)).toBe('/dashboard');
    expect(safeReturnUrl('https://evil.example')).toBe('/dashboard');
    expect(safeReturnUrl('//evil.example')).toBe('/dashboard');
    expect(safeReturnUrl('/login')).toBe('/dashboard');
    expect(safeReturnUrl(undefined, '/my-usage')).toBe('/my-usage');
  });

  it('follows single sign-on when the trusted proxy vouches for the browser', async () => {
    const fixture = await render(Login, { returnUrl: '/keys' });
    answerSsoProbe({ ok: true, role: 'admin', via: 'sso', user: 'alice@example.com' });
    await settle(fixture);
    const session = TestBed.inject(AdminSession);
    expect(session.signedIn()).toBe(true);
    expect(session.key()).toBeNull();
    expect(session.identity()).toEqual({ role: 'admin', via: 'sso', user: 'alice@example.com' });
    expect(TestBed.inject(Router).url).toBe('/keys');
  });

  it('after signing out, offers single sign-on instead of following it', async () => {
    const fixture = await render(Login, { signedOut: '1' });
    answerSsoProbe({ ok: true, role: 'admin', via: 'sso', user: 'alice@example.com' });
    await settle(fixture);
    expect(TestBed.inject(AdminSession).signedIn()).toBe(false);
    expect(text(fixture)).toContain('Continue as alice@example.com');
    ((fixture.nativeElement as HTMLElement).querySelector('[data-testid="sso"]') as HTMLElement).click();
    await settle(fixture);
    expect(TestBed.inject(AdminSession).sso()).toBe(true);
    expect(TestBed.inject(Router).url).toBe('/dashboard');
  });

  it('offers OIDC sign-in when the gateway has an identity provider', async () => {
    const fixture = await render(Login);
    answerSsoProbe(null);
    await answerOidcConfig(fixture, {
      enabled: true,
      issuer: 'https://idp.example/realms/x',
      clientId: 'console',
      scopes: 'openid email',
    });
    expect(text(fixture)).toContain('Sign in with idp.example');
  });

  it('says why an OIDC callback failed and offers to start again', async () => {
    sessionStorage.clear();
    const fixture = await render(Login, { code: 'abc' });
    expectCall(http, 'GET', '/v0/management/auth/oidc').flush({
      enabled: true,
      issuer: 'https://idp.example',
      clientId: 'console',
    });
    await settle(fixture);
    await answerOidcConfig(fixture, { enabled: true, issuer: 'https://idp.example', clientId: 'console' });
    expect(text(fixture)).toContain('Single sign-on failed: No sign-in was started in this tab; start again');
    expect(text(fixture)).toContain('Sign in with idp.example');
    expect(TestBed.inject(AdminSession).signedIn()).toBe(false);
  });
});
