import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { ProviderList } from './provider-list';

function confirmDialog(): void {
  (document.querySelector('[data-testid="confirm"]') as HTMLElement).click();
}

describe('ProviderList', () => {
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

  it('shows the empty state, then the error state with retry', async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({});
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    expectCall(http, 'GET', '/v0/management/quotas').flush([]);
    await settle(fixture);
    expect(text(fixture)).toContain('No providers yet');
    (fixture.componentInstance as unknown as { providers: { reload(): void } }).providers.reload();
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/providers').flush(
      { error: { message: 'db down' } },
      { status: 500, statusText: 'Error' },
    );
    await settle(fixture);
    expect(text(fixture)).toContain('Could not load providers: db down');
    expect(text(fixture)).toContain('Retry');
  });

  it('lists slug, name, URLs, state and models without any key', async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({
      b: {
        display_name: 'Bee',
        api_base_url: { chat: 'http://c', messages: 'http://m' },
        api_key: 'sk-...wxyz',
        enabled: false,
        models: ['m1'],
      },
      a: { api_base_url: 'http://a/v1', enabled: true },
    });
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    expectCall(http, 'GET', '/v0/management/quotas').flush([]);
    await settle(fixture);
    const rows = Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll('tr[data-testid^="provider-"]'),
    ).map((row) =>
      Array.from(row.querySelectorAll('td'), (cell) => cell.textContent?.replace(/\s+/g, ' ').trim()).join(' | '),
    );
    expect(rows).toEqual([
      'a | — | http://a/v1 | enabled | no checker | none |  | EditDelete',
      'b | Bee | chat http://c messages http://m | disabled | no checker | none | m1 | EditDelete',
    ]);
    expect(text(fixture)).not.toContain('wxyz');
  });

  it('deletes after confirmation, and offers the cascade when aliases still use the provider (409)', async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({ mock: { api_base_url: 'http://x' } });
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    expectCall(http, 'GET', '/v0/management/quotas').flush([]);
    await settle(fixture);
    (
      (fixture.nativeElement as HTMLElement).querySelector('tr[data-testid="provider-mock"] .danger') as HTMLElement
    ).click();
    await settle(fixture);
    expect(document.body.textContent).toContain("Delete provider 'mock'?");
    confirmDialog();
    await settle(fixture);
    expectCall(http, 'DELETE', '/v0/management/providers/mock').flush(
      { error: { message: "Provider 'mock' is a target of smart", type: 'conflict' } },
      { status: 409, statusText: 'Conflict' },
    );
    await settle(fixture);
    expect(document.body.textContent).toContain("Provider 'mock' is a target of smart");
    confirmDialog();
    await settle(fixture);
    const cascade = expectCall(http, 'DELETE', '/v0/management/providers/mock');
    expect(cascade.request.params.get('cascade')).toBe('true');
    cascade.flush({ success: true, provider: 'mock', removedTargets: ['mock/m'], affectedAliases: ['smart'] });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/providers').flush({});
    await settle(fixture);
    expect(document.body.textContent).toContain("Provider 'mock' deleted with 1 alias target(s)");
  });

  it('shows cooldowns per provider and clears one after confirmation', async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({ mock: { api_base_url: 'http://x', enabled: true } });
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([
      {
        provider: 'mock',
        model: 'm1',
        expiry: 0,
        timeRemainingMs: 125_000,
        consecutiveFailures: 2,
        lastError: 'HTTP 503',
      },
      { provider: 'mock', model: 'gone', expiry: 0, timeRemainingMs: 0, consecutiveFailures: 1, lastError: null },
    ]);
    expectCall(http, 'GET', '/v0/management/quotas').flush([]);
    await settle(fixture);
    expect(text(fixture)).toContain('m1 · 2m 05s');
    expect(text(fixture)).not.toContain('gone');
    (
      (fixture.nativeElement as HTMLElement).querySelector('[aria-label="Clear cooldown of m1"]') as HTMLElement
    ).click();
    await settle(fixture);
    expect(document.body.textContent).toContain('Clear the cooldown of mock/m1?');
    confirmDialog();
    await settle(fixture);
    const clear = expectCall(http, 'DELETE', '/v0/management/cooldowns/mock');
    expect(clear.request.params.get('model')).toBe('m1');
    clear.flush({ success: true });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    await settle(fixture);
    expect(text(fixture)).not.toContain('m1 ·');
  });

  it('disables a provider only after confirmation, with a PATCH of enabled', async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({ mock: { api_base_url: 'http://x', enabled: true } });
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    expectCall(http, 'GET', '/v0/management/quotas').flush([]);
    await settle(fixture);
    (
      (fixture.nativeElement as HTMLElement).querySelector('[data-testid="enabled-mock"] button') as HTMLElement
    ).click();
    await settle(fixture);
    expect(document.body.textContent).toContain("Disable provider 'mock'?");
    confirmDialog();
    await settle(fixture);
    const patch = expectCall(http, 'PATCH', '/v0/management/providers/mock');
    expect(patch.request.body).toEqual({ enabled: false });
    patch.flush({ success: true, slug: 'mock' });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/providers').flush({ mock: { api_base_url: 'http://x', enabled: false } });
    await settle(fixture);
    expect(text(fixture)).toContain('disabled');
  });

  it("shows each provider's quota meters and checks one on demand", async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({ router: { api_base_url: 'http://x', enabled: true } });
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    const snapshot = {
      checkerId: 'router',
      checkerType: 'openrouter',
      provider: 'router',
      success: true,
      checkedAt: '2026-01-01T00:00:00Z',
      meters: [
        {
          key: 'balance',
          label: 'Credits',
          kind: 'balance',
          unit: 'usd',
          status: 'warning',
          utilizationPercent: 82,
          used: 8.2,
          limit: 10,
          remaining: 1.8,
        },
      ],
    };
    expectCall(http, 'GET', '/v0/management/quotas').flush([snapshot]);
    await settle(fixture);
    expect(text(fixture)).toContain('Credits');
    expect(text(fixture)).toContain('82% used');
    expect(text(fixture)).toContain('$8.20 of $10.00');
    const check = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find((b) =>
      b.textContent?.includes('Check now'),
    );
    check?.click();
    await settle(fixture);
    expectCall(http, 'POST', '/v0/management/quotas/router/check').flush({
      ...snapshot,
      success: false,
      error: 'HTTP 401',
    });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/quotas').flush([{ ...snapshot, success: false, error: 'HTTP 401' }]);
    await settle(fixture);
    expect(text(fixture)).toContain('check failed: HTTP 401');
  });

  it('shows a provider from the config file read-only', async () => {
    const fixture = await render(ProviderList);
    expectCall(http, 'GET', '/v0/management/providers').flush({
      fixed: { api_base_url: 'http://x', enabled: true, managed: true },
    });
    expectCall(http, 'GET', '/v0/management/cooldowns').flush([]);
    expectCall(http, 'GET', '/v0/management/quotas').flush([]);
    await settle(fixture);
    const row = (fixture.nativeElement as HTMLElement).querySelector('tr[data-testid="provider-fixed"]') as HTMLElement;
    expect(row.textContent).toContain('config file');
    expect(row.textContent).not.toContain('Delete');
    expect(row.querySelector('[data-testid="enabled-fixed"] button')?.hasAttribute('disabled')).toBe(true);
  });
});
