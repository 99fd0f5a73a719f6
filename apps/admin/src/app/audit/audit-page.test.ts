import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { render, settle, setUpHttp, text } from '../testing/test-setup';
import { AuditPage } from './audit-page';

describe('AuditPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => http.verify());

  it('lists changes and filters by actor on the server', async () => {
    const fixture = await render(AuditPage);
    const first = http.expectOne((r) => r.url === '/v0/management/audit');
    expect(first.request.params.get('limit')).toBe('50');
    expect(first.request.params.has('actor')).toBe(false);
    first.flush({
      data: [
        {
          id: 1,
          date: '2026-01-01T10:00:00.000Z',
          actor: 'admin-key',
          actorKind: 'admin-key',
          method: 'PUT',
          path: '/v0/management/providers/mock',
          status: 200,
          target: 'mock',
        },
      ],
      total: 1,
      limit: 50,
      offset: 0,
    });
    await settle(fixture);
    expect(text(fixture)).toContain('PUT /v0/management/providers/mock');
    const input = (fixture.nativeElement as HTMLElement).querySelector(
      '[data-testid="audit-actor"]',
    ) as HTMLInputElement;
    input.value = 'alice@example.com';
    input.dispatchEvent(new Event('change'));
    await settle(fixture);
    const filtered = http.expectOne((r) => r.url === '/v0/management/audit');
    expect(filtered.request.params.get('actor')).toBe('alice@example.com');
    filtered.flush({ data: [], total: 0, limit: 50, offset: 0 });
    await settle(fixture);
    expect(text(fixture)).toContain('Nothing by this actor.');
  });
});
