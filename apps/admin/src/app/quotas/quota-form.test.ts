import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { click, expectCall, render, settle, setUpHttp, text, typeInto } from '../testing/test-setup';
import { QuotaForm } from './quota-form';

describe('QuotaForm', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => {
    http.verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((element) => element.remove());
  });

  it('validates before sending: name, limit, warn share, taken names', async () => {
    const fixture = await render(QuotaForm);
    expectCall(http, 'GET', '/v0/management/user-quotas').flush({
      taken: { type: 'daily', limitType: 'requests', limit: 1 },
    });
    await settle(fixture);
    click(fixture, 'save');
    await settle(fixture);
    expect(text(fixture)).toContain('Name the quota');
    expect(text(fixture)).toContain('Enter the limit');
    typeInto(fixture, 'quota-name', 'taken');
    typeInto(fixture, 'quota-limit', '1.5');
    typeInto(fixture, 'quota-warn', '120');
    await settle(fixture);
    expect(text(fixture)).toContain("A quota named 'taken' already exists");
    expect(text(fixture)).toContain('Enter a whole number of requests');
    expect(text(fixture)).toContain('A percentage above 0 and below 100');
    typeInto(fixture, 'quota-name', 'Bad Name');
    await settle(fixture);
    expect(text(fixture)).toContain("2–63 lower case letters, digits, '-' or '_'");
    http.expectNone('/v0/management/user-quotas/Bad Name');
  });

  it('creates with PUT and shows the server field errors on their fields', async () => {
    const fixture = await render(QuotaForm);
    expectCall(http, 'GET', '/v0/management/user-quotas').flush({});
    await settle(fixture);
    typeInto(fixture, 'quota-name', 'team-daily');
    typeInto(fixture, 'quota-limit', '1000');
    typeInto(fixture, 'quota-warn', '80');
    click(fixture, 'save');
    await settle(fixture);
    const put = expectCall(http, 'PUT', '/v0/management/user-quotas/team-daily');
    expect(put.request.body).toEqual({ type: 'daily', limitType: 'requests', limit: 1000, warnAt: 0.8, shared: false });
    put.flush(
      { error: 'Validation failed', details: [{ path: ['warnAt'], message: 'warnAt must be less than 1' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(text(fixture)).toContain('warnAt must be less than 1');
    expect(TestBed.inject(Router).url).toBe('/');

    typeInto(fixture, 'quota-warn', '75');
    click(fixture, 'save');
    await settle(fixture);
    expectCall(http, 'PUT', '/v0/management/user-quotas/team-daily').flush({
      success: true,
      name: 'team-daily',
      quota: {},
    });
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/quotas');
  });

  it('edits an existing quota with its name read-only', async () => {
    const fixture = await render(QuotaForm, { name: 'q' });
    expectCall(http, 'GET', '/v0/management/user-quotas/q').flush({
      name: 'q',
      type: 'rolling',
      limitType: 'tokens',
      limit: 500,
      duration: '5m',
    });
    expectCall(http, 'GET', '/v0/management/user-quotas').flush({ q: {} });
    await settle(fixture);
    const name = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="quota-name"]') as HTMLInputElement;
    expect(name.value).toBe('q');
    expect(name.readOnly).toBe(true);
    expect(
      ((fixture.nativeElement as HTMLElement).querySelector('[data-testid="quota-duration"]') as HTMLInputElement)
        .value,
    ).toBe('5m');
    typeInto(fixture, 'quota-duration', '90 minutes');
    await settle(fixture);
    expect(text(fixture)).toContain('Like 30s, 5m, 1h, 2h30m or 1d');
  });
});
