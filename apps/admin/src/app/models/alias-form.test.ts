import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { click, expectCall, render, settle, setUpHttp } from '../testing/test-setup';
import { AliasForm } from './alias-form';

describe('AliasForm', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => http.verify());

  it('edits with PATCH and puts a nested 400 error on the target it names', async () => {
    const fixture = await render(AliasForm, { slug: 'smart' });
    expectCall(http, 'GET', '/v0/management/aliases/smart').flush({
      type: 'text',
      priority: 'selector',
      target_groups: [{ name: 'default', selector: 'in_order', targets: [{ provider: 'gone', model: 'm' }] }],
    });
    expectCall(http, 'GET', '/v0/management/aliases').flush({ smart: {} });
    expectCall(http, 'GET', '/v0/management/providers').flush({ gone: { api_base_url: 'http://g', models: ['m'] } });
    await settle(fixture);
    click(fixture, 'save');
    await settle(fixture);
    const patch = expectCall(http, 'PATCH', '/v0/management/aliases/smart');
    expect(patch.request.body).toEqual({
      type: 'text',
      priority: 'selector',
      additional_aliases: [],
      use_image_fallthrough: false,
      enforce_limits: false,
      compaction: {},
      target_groups: [
        { name: 'default', selector: 'in_order', targets: [{ provider: 'gone', model: 'm', enabled: true }] },
      ],
    });
    patch.flush(
      {
        error: 'Validation failed',
        details: [
          {
            path: ['target_groups', '0', 'targets', '0', 'provider'],
            message: "Unknown provider 'gone'",
            code: 'unknown_provider',
          },
        ],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    const providerField = (fixture.nativeElement as HTMLElement)
      .querySelector('[data-testid="target-provider-0-0"]')
      ?.closest('mat-form-field');
    expect(providerField?.textContent).toContain("Unknown provider 'gone'");
  });

  it('adds groups with free names and targets in order', async () => {
    const fixture = await render(AliasForm);
    expectCall(http, 'GET', '/v0/management/aliases').flush({});
    expectCall(http, 'GET', '/v0/management/providers').flush({});
    await settle(fixture);
    const buttons = () => Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button'));
    buttons()
      .find((b) => b.textContent?.trim() === 'Add target group')
      ?.click();
    await settle(fixture);
    const groups = (fixture.nativeElement as HTMLElement).querySelectorAll('[data-testid^="group-"]');
    expect(groups).toHaveLength(2);
    const names = Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>('[data-testid^="group-"] input'),
    ).map((i) => i.value);
    expect(names).toContain('group-2');
  });
});
