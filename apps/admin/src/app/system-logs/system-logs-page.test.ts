import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { SystemLogsPage } from './system-logs-page';

describe('SystemLogsPage', () => {
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

  it('shows the newest lines first and offers the way back to the startup level', async () => {
    const fixture = await render(SystemLogsPage);
    expectCall(http, 'GET', '/v0/system/logs/recent').flush({
      data: [
        { level: 'info', message: 'first', timestamp: '2026-01-01T00:00:00.000Z' },
        { level: 'error', message: 'second', context: 'Router', timestamp: '2026-01-01T00:00:01.000Z' },
      ],
      total: 2,
      limit: 1000,
      offset: 0,
    });
    const levels = ['error', 'warn', 'info', 'debug', 'verbose', 'silly'];
    expectCall(http, 'GET', '/v0/management/logging/level').flush({
      ephemeral: true,
      level: 'debug',
      startupLevel: 'info',
      supportedLevels: levels,
    });
    await settle(fixture);
    const lines = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('.line'), (line) =>
      line.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(lines[0]).toContain('error[Router]second');
    expect(lines[1]).toContain('infofirst');
    const back = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find((b) =>
      b.textContent?.includes('Back to info'),
    );
    expect(text(fixture)).toContain('until restart (started at info)');
    back?.click();
    await settle(fixture);
    expectCall(http, 'DELETE', '/v0/management/logging/level').flush({
      ephemeral: true,
      level: 'info',
      startupLevel: 'info',
      supportedLevels: levels,
    });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/logging/level').flush({
      ephemeral: true,
      level: 'info',
      startupLevel: 'info',
      supportedLevels: levels,
    });
    await settle(fixture);
    expect(text(fixture)).not.toContain('Back to info');
  });
});
