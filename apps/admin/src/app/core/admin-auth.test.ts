import { HttpClient, HttpContext } from '@angular/common/http';
import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, type ActivatedRouteSnapshot, type RouterStateSnapshot, type UrlTree } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUpHttp } from '../testing/test-setup';
import { CANDIDATE_ADMIN_KEY } from './admin-key.interceptor';
import { ADMIN_KEY_STORAGE, AdminSession, ROLE_STORAGE } from './admin-session';
import { adminGuard, adminOnlyGuard } from './admin.guard';

describe('admin session, interceptor and guard', () => {
  let http: HttpTestingController;
  let client: HttpClient;
  let session: AdminSession;

  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
    http = setUpHttp();
    client = TestBed.inject(HttpClient);
    session = TestBed.inject(AdminSession);
  });

  afterEach(() => http.verify());

  it('keeps the key in sessionStorage only', () => {
    session.signIn('k1');
    expect(sessionStorage.getItem(ADMIN_KEY_STORAGE)).toBe('k1');
    expect(localStorage.length).toBe(0);
    expect(session.signedIn()).toBe(true);
    session.signOut();
    expect(sessionStorage.getItem(ADMIN_KEY_STORAGE)).toBeNull();
    expect(session.signedIn()).toBe(false);
  });

  it('sends x-admin-key on management calls only', () => {
    session.signIn('k1');
    void firstValueFrom(client.get('/v0/management/keys'));
    void firstValueFrom(client.get('/health', { responseType: 'text' }));
    expect(http.expectOne('/v0/management/keys').request.headers.get('x-admin-key')).toBe('k1');
    expect(http.expectOne('/health').request.headers.has('x-admin-key')).toBe(false);
  });

  it("sends an OIDC session's ID token as a Bearer token, and an SSO session nothing", () => {
    session.signInOidc('id.token.sig', 'alice@example.com');
    void firstValueFrom(client.get('/v0/management/keys'));
    const oidc = http.expectOne('/v0/management/keys').request.headers;
    expect(oidc.get('authorization')).toBe('Bearer id.token.sig');
    expect(oidc.has('x-admin-key')).toBe(false);
    expect(session.identity()).toEqual({ role: 'admin', via: 'oidc', user: 'alice@example.com' });
    session.signInSso('bob');
    void firstValueFrom(client.get('/v0/management/keys'));
    const sso = http.expectOne('/v0/management/keys').request.headers;
    expect(sso.has('authorization') || sso.has('x-admin-key')).toBe(false);
    expect(session.signedIn()).toBe(true);
  });

  it('uses a candidate key when one is given (the login check)', () => {
    void firstValueFrom(
      client.get('/v0/management/providers', { context: new HttpContext().set(CANDIDATE_ADMIN_KEY, 'try-me') }),
    ).catch(() => undefined);
    const request = http.expectOne('/v0/management/providers');
    expect(request.request.headers.get('x-admin-key')).toBe('try-me');
    request.flush({ error: { message: 'Unauthorized' } }, { status: 401, statusText: 'Unauthorized' });
  });

  it('signs out and goes to login when the session key stops working', async () => {
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/keys');
    session.signIn('stale');
    const call = firstValueFrom(client.get('/v0/management/keys')).catch((error: unknown) => error);
    http
      .expectOne('/v0/management/keys')
      .flush({ error: { message: 'Unauthorized' } }, { status: 401, statusText: 'Unauthorized' });
    await call;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(session.signedIn()).toBe(false);
    expect(router.url).toBe('/login?returnUrl=%2Fkeys');
  });

  it('guards pages: signed out goes to login with the wanted URL', () => {
    const run = () =>
      TestBed.runInInjectionContext(() =>
        adminGuard({} as ActivatedRouteSnapshot, { url: '/logs' } as RouterStateSnapshot),
      ) as boolean | UrlTree;
    expect(String(run())).toBe('/login?returnUrl=%2Flogs');
    session.signIn('k');
    expect(run()).toBe(true);
  });

  it('keeps a limited session off admin pages and remembers it across reloads', () => {
    const run = () =>
      TestBed.runInInjectionContext(() =>
        adminOnlyGuard({} as ActivatedRouteSnapshot, { url: '/keys' } as RouterStateSnapshot),
      ) as boolean | UrlTree;
    session.signIn('admin');
    expect(run()).toBe(true);
    session.signIn('sk-x', { role: 'limited', keyName: 'ci' });
    expect(String(run())).toBe('/my-usage');
    expect(JSON.parse(sessionStorage.getItem(ROLE_STORAGE) ?? '')).toEqual({ role: 'limited', keyName: 'ci' });
    session.signOut();
    expect(sessionStorage.length).toBe(0);
    expect(session.limited()).toBe(false);
  });
});
