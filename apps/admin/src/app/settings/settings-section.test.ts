import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { expectCall, render, settle, setUpHttp, text, typeInto } from '../testing/test-setup';
import { SETTINGS_SECTIONS } from './settings-model';
import { SettingsSection } from './settings-section';

const section = (id: string) => SETTINGS_SECTIONS.find((s) => s.id === id)!;

function submit(fixture: { nativeElement: HTMLElement }): void {
  fixture.nativeElement.querySelector('form')?.dispatchEvent(new Event('submit'));
}

describe('SettingsSection', () => {
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

  it('loads, refuses invalid values before sending, then PATCHes only the changed field', async () => {
    const fixture = await render(SettingsSection, { spec: section('cooldown') });
    expectCall(http, 'GET', '/v0/management/config/cooldown').flush({ initialMinutes: 1, maxMinutes: 10 });
    await settle(fixture);
    typeInto(fixture, 'cooldown-maxMinutes', '0.5');
    await settle(fixture);
    expect(text(fixture)).toContain('At least the first cooldown');
    submit(fixture);
    await settle(fixture);
    http.expectNone((r) => r.method === 'PATCH');
    typeInto(fixture, 'cooldown-maxMinutes', '30');
    submit(fixture);
    await settle(fixture);
    const patch = expectCall(http, 'PATCH', '/v0/management/config/cooldown');
    expect(patch.request.body).toEqual({ maxMinutes: 30 });
    patch.flush({ initialMinutes: 1, maxMinutes: 30 });
    await settle(fixture);
    expect(
      ((fixture.nativeElement as HTMLElement).querySelector('[data-testid="cooldown-save"]') as HTMLButtonElement)
        .disabled,
    ).toBe(true);
  });

  it('shows the server field errors on their fields', async () => {
    const fixture = await render(SettingsSection, { spec: section('timeout') });
    expectCall(http, 'GET', '/v0/management/config/timeout').flush({ defaultSeconds: 120 });
    await settle(fixture);
    typeInto(fixture, 'timeout-defaultSeconds', '90');
    submit(fixture);
    await settle(fixture);
    expectCall(http, 'PATCH', '/v0/management/config/timeout').flush(
      {
        error: 'Validation failed',
        details: [{ path: ['defaultSeconds'], message: 'defaultSeconds is locked by the deployment' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(text(fixture)).toContain('defaultSeconds is locked by the deployment');
  });

  it('shows the load error with a retry', async () => {
    const fixture = await render(SettingsSection, { spec: section('stall') });
    expectCall(http, 'GET', '/v0/management/config/stall').flush(
      { error: 'boom' },
      { status: 500, statusText: 'Error' },
    );
    await settle(fixture);
    expect(text(fixture)).toContain('Could not load: boom');
  });
});
