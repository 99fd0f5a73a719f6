import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
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

  async function submitKey(key: string) {
    const fixture = await render(Login, { returnUrl: '/logs' });
    typeInto(fixture, 'admin-key', key);
    (fixture.nativeElement as HTMLElement).querySelector('form')?.dispatchEvent(new Event('submit'));
    await settle(fixture);
    return fixture;
  }

  it('refuses a wrong key with a message and stays signed out', async () => {
    const fixture = await submitKey('wrong');
    const check = expectCall(http, 'GET', '/v0/management/auth/verify');
    expect(check.request.headers.get('x-admin-key')).toBe('wrong');
    check.flush({ error: { message: 'Unauthorized', type: 'auth_error', code: 401 } }, { status: 401, statusText: 'Unauthorized' });
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
});
