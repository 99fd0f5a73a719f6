import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { click, expectCall, render, settle, setUpHttp, text } from '../testing/test-setup';
import { ConfigPage } from './config-page';

function paste(fixture: { nativeElement: HTMLElement }, value: string): void {
  const area = fixture.nativeElement.querySelector('[data-testid="import-text"]') as HTMLTextAreaElement;
  area.value = value;
  area.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('ConfigPage', () => {
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

  async function open() {
    const fixture = await render(ConfigPage);
    expectCall(http, 'GET', '/v0/management/config/status').flush({
      providerCount: 2,
      modelAliasCount: 1,
      keyCount: 3,
      quotaCount: 0,
      mcpServerCount: 0,
    });
    expectCall(http, 'GET', '/v0/management/config/export').flush({
      secrets: 'masked',
      providers: { fixed: { managed: true }, mine: {} },
    });
    await settle(fixture);
    return fixture;
  }

  it('shows counts and the managed objects read-only', async () => {
    const fixture = await open();
    expect(text(fixture)).toContain('2 providers');
    expect(text(fixture)).toContain('Providers fixed read-only');
    expect(text(fixture)).not.toContain('mine read-only');
  });

  it('refuses an invalid document without sending it', async () => {
    const fixture = await open();
    paste(fixture, '{"providers": []}');
    await settle(fixture);
    click(fixture, 'import');
    await settle(fixture);
    expect(text(fixture)).toContain("'providers' must be an object keyed by name");
    http.expectNone((r) => r.method === 'PUT');
  });

  it('imports after confirmation and shows the server field errors, then the result', async () => {
    const fixture = await open();
    paste(fixture, '{"providers": {"a": {"api_base_url": "x"}}}');
    await settle(fixture);
    expect(text(fixture)).toContain('Providers: 1');
    click(fixture, 'import');
    await settle(fixture);
    (document.querySelector('[data-testid="confirm"]') as HTMLElement).click();
    await settle(fixture);
    const put = expectCall(http, 'PUT', '/v0/management/config');
    expect(put.request.body).toEqual({ providers: { a: { api_base_url: 'x' } } });
    put.flush(
      { error: 'Validation failed', details: [{ path: ['providers', 'a', 'api_base_url'], message: 'must be a URL' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(text(fixture)).toContain('providers.a.api_base_url: must be a URL');

    click(fixture, 'import');
    await settle(fixture);
    (document.querySelector('[data-testid="confirm"]') as HTMLElement).click();
    await settle(fixture);
    expectCall(http, 'PUT', '/v0/management/config').flush({
      success: true,
      imported: { providers: 1, model_aliases: 0, api_keys: 0, user_quotas: 0, system_settings: 0 },
      skipped: ['providers/fixed'],
    });
    await settle(fixture);
    expectCall(http, 'GET', '/v0/management/config/status').flush({
      providerCount: 2,
      modelAliasCount: 0,
      keyCount: 0,
      quotaCount: 0,
      mcpServerCount: 0,
    });
    expectCall(http, 'GET', '/v0/management/config/export').flush({});
    await settle(fixture);
    expect(text(fixture)).toContain('Imported 1 providers');
    expect(text(fixture)).toContain('Skipped (managed by the config file): providers/fixed');
  });
});
