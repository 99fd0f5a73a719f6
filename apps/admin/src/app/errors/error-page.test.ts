import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { ErrorPage, errorViewOf } from './error-page';

const failed = {
  requestId: 'r1',
  date: '2026-01-01T10:00:00.000Z',
  apiKey: 'ci',
  incomingModelAlias: 'smart',
  provider: 'mock',
  model: 'm1',
  responseStatus: 'error',
  httpStatus: 503,
  errorMessage: 'All targets failed',
  attempts: [
    {
      index: 0,
      provider: 'mock',
      model: 'm1',
      apiType: 'chat',
      status: 'failed',
      statusCode: 503,
      reason: 'upstream 503',
    },
    { index: 1, provider: 'other', model: 'm2', apiType: 'chat', status: 'failed', reason: 'ECONNRESET' },
  ],
};

describe('errors', () => {
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

  it('maps an error with its attempts', () => {
    const view = errorViewOf({ ...failed, provider: null, model: null, errorMessage: null });
    expect(view).toMatchObject({ target: '—', message: '(no message)', apiKey: 'ci', alias: 'smart' });
    expect(view.attempts.map((a) => `${a.provider}/${a.model} ${a.status} ${a.reason}`)).toEqual([
      'mock/m1 failed upstream 503',
      'other/m2 failed ECONNRESET',
    ]);
  });

  it('pages through failed requests and opens one to show its attempts', async () => {
    const fixture = await render(ErrorPage);
    const first = http.expectOne((r) => r.url === '/v0/management/errors');
    expect(first.request.params.get('limit')).toBe('50');
    expect(first.request.params.get('offset')).toBe('0');
    first.flush({ data: [failed], total: 1, limit: 50, offset: 0 });
    await settle(fixture);
    expect(text(fixture)).toContain('error 503');
    expect(text(fixture)).toContain('ci → smart');
    expect(text(fixture)).not.toContain('ECONNRESET');
    ((fixture.nativeElement as HTMLElement).querySelector('.summary') as HTMLElement).click();
    await settle(fixture);
    expect(text(fixture)).toContain('other/m2');
    expect(text(fixture)).toContain('ECONNRESET');

    (
      Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find((b) =>
        b.textContent?.includes('Delete this record'),
      ) as HTMLElement
    ).click();
    await settle(fixture);
    (document.querySelector('[data-testid="confirm"]') as HTMLElement).click();
    await settle(fixture);
    expectCall(http, 'DELETE', '/v0/management/errors/r1').flush({ success: true });
    await settle(fixture);
    http.expectOne((r) => r.url === '/v0/management/errors').flush({ data: [], total: 0, limit: 50, offset: 0 });
    await settle(fixture);
    expect(text(fixture)).toContain('No failed requests');
  });

  it('says when nothing failed', async () => {
    const fixture = await render(ErrorPage);
    http.expectOne((r) => r.url === '/v0/management/errors').flush({ data: [], total: 0, limit: 50, offset: 0 });
    await settle(fixture);
    expect(text(fixture)).toContain('No failed requests');
  });
});
