import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { QuotaList } from './quota-list';

const entry = {
  name: 'daily',
  type: 'daily',
  limitType: 'requests',
  limit: 100,
  currentUsage: 42,
  remaining: 58,
  allowed: true,
  duration: null,
  resetsAt: '2026-01-02T00:00:00.000Z',
  shared: false,
  source: 'assigned',
  warnAt: null,
};

function button(label: string): HTMLElement {
  const found = Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === label);
  if (!found) throw new Error(`no button '${label}'`);
  return found;
}

describe('QuotaList', () => {
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

  it("lists definitions and shows a key's state, recomputes and resets after confirmation", async () => {
    const fixture = await render(QuotaList);
    expectCall(http, 'GET', '/v0/management/user-quotas').flush({
      daily: { type: 'daily', limitType: 'requests', limit: 100, warnAt: 0.8 },
    });
    expectCall(http, 'GET', '/v0/management/keys').flush({ ci: {} });
    await settle(fixture);
    expect(text(fixture)).toContain('100 requests per day');
    expect(text(fixture)).toContain('80%');

    (fixture.componentInstance as unknown as { keyName: { set(v: string): void } }).keyName.set('ci');
    await settle(fixture);
    const status = {
      key: 'ci',
      allowed: true,
      concurrency: { inFlight: 1, limit: 4 },
      current_usage: 42,
      limit: 100,
      quota_name: 'daily',
      remaining: 58,
      resets_at: null,
      quotas: [entry],
    };
    expectCall(http, 'GET', '/v0/management/quota/status/ci').flush(status);
    await settle(fixture);
    expect(text(fixture)).toContain('42 / 100 requests');
    expect(text(fixture)).toContain('In flight now: 1 of at most 4');

    button('Recompute').click();
    await settle(fixture);
    const recompute = expectCall(http, 'POST', '/v0/management/quota/recompute');
    expect(recompute.request.body).toEqual({ key: 'ci', quota: 'daily' });
    recompute.flush({
      success: true,
      key: 'ci',
      quota: 'daily',
      usage: 40,
      windowStartMs: 0,
      message: "Quota 'daily' of 'ci' recomputed from 40 successful requests",
    });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/quota/status/ci').flush({
      ...status,
      quotas: [{ ...entry, currentUsage: 40 }],
    });
    await settle(fixture);
    expect(text(fixture)).toContain('40 / 100 requests');

    button('Reset').click();
    await settle(fixture);
    (document.querySelector('[data-testid="confirm"]') as HTMLElement).click();
    await settle(fixture);
    const clear = expectCall(http, 'POST', '/v0/management/quota/clear');
    expect(clear.request.body).toEqual({ key: 'ci', quota: 'daily' });
    clear.flush({ success: true, key: 'ci', message: 'cleared' });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/quota/status/ci').flush({
      ...status,
      quotas: [{ ...entry, currentUsage: 0 }],
    });
    await settle(fixture);
    expect(text(fixture)).toContain('0 / 100 requests');
  });
});
