import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { usageRecord } from '../testing/usage-record';
import { LogPage } from './log-page';

describe('LogPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => http.verify());

  function flushLists(): void {
    expectCall(http, 'GET', '/v0/management/providers').flush({ mock: {} });
    expectCall(http, 'GET', '/v0/management/aliases').flush({ smart: {} });
    expectCall(http, 'GET', '/v0/management/keys').flush({ ci: {} });
  }

  it('pages the usage log newest first and opens a record in the drawer', async () => {
    const fixture = await render(LogPage);
    const list = expectCall(http, 'GET', '/v0/management/usage');
    expect(list.request.params.toString()).toBe('limit=50&offset=0&sortBy=date&sortDir=desc');
    flushLists();
    const history = JSON.stringify([
      {
        index: 0,
        provider: 'flaky',
        model: 'x',
        apiType: 'chat',
        status: 'failed',
        reason: 'HTTP 503',
        statusCode: 503,
      },
      { index: 1, provider: 'mock', model: 'mock-model', apiType: 'chat', status: 'success' },
    ]);
    list.flush({ data: [usageRecord({ retryHistory: history, attemptCount: 2 })], total: 1, limit: 50, offset: 0 });
    await settle(fixture);
    const row = (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>('[data-testid="log-row"]');
    expect(row?.textContent?.replace(/\s+/g, ' ')).toContain('10 / 3 / 5 / 2');
    expect(row?.textContent).toContain('stream');
    row?.click();
    await settle(fixture);
    const detail =
      (fixture.nativeElement as HTMLElement).querySelector('plx-log-detail')?.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(detail).toContain('flaky/x');
    expect(detail).toContain('HTTP 503');
    expect(detail).toMatch(/Time to first token\s*300 ms/);
    expect(detail).toMatch(/Generation\s*900 ms/);
    http.expectNone((r) => r.url.startsWith('/v0/management/debug/logs/'));
    expect((fixture.nativeElement as HTMLElement).querySelector('plx-log-detail')?.textContent).toContain(
      'No trace was captured for this request',
    );
  });

  it('sends the status filter and says when nothing matches', async () => {
    const fixture = await render(LogPage);
    expectCall(http, 'GET', '/v0/management/usage').flush({ data: [usageRecord()], total: 1, limit: 50, offset: 0 });
    flushLists();
    await settle(fixture);
    (fixture.componentInstance as unknown as { setFilter(name: string, value: string): void }).setFilter(
      'status',
      'error',
    );
    await settle(fixture);
    const filtered = expectCall(http, 'GET', '/v0/management/usage');
    expect(filtered.request.params.get('responseStatus')).toBe('error');
    filtered.flush({ data: [], total: 0, limit: 50, offset: 0 });
    await settle(fixture);
    expect(text(fixture)).toContain('No requests match these filters.');
  });
});
