import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { click, expectCall, render, settle, setUpHttp, typeInto } from '../testing/test-setup';
import { KeyForm } from './key-form';

describe('KeyForm', () => {
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

  it('generates the secret in the browser, PUTs it and shows it once', async () => {
    const fixture = await render(KeyForm);
    expectCall(http, 'GET', '/v0/management/user-quotas').flush({});
    expectCall(http, 'GET', '/v0/management/keys').flush({});
    typeInto(fixture, 'key-name', 'ci');
    typeInto(fixture, 'key-comment', 'build bot');
    click(fixture, 'save');
    await settle(fixture);
    const put = expectCall(http, 'PUT', '/v0/management/keys/ci');
    const secret = (put.request.body as { secret: string }).secret;
    expect(secret).toMatch(/^sk-[0-9a-f]{48}$/);
    expect(put.request.body).toMatchObject({ comment: 'build bot', allowedModels: [] });
    put.flush({ success: true, name: 'ci' });
    await settle(fixture);

    const shown = document.querySelector('[data-testid="new-secret"]');
    expect(shown?.textContent?.trim()).toBe(secret);
    expect(TestBed.inject(Router).url).toBe('/');
    (document.querySelector('[data-testid="close-secret"]') as HTMLElement).click();
    await settle(fixture);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(TestBed.inject(Router).url).toBe('/keys');
  });

  it('edits with PATCH and no secret', async () => {
    const fixture = await render(KeyForm, { name: 'ci' });
    expectCall(http, 'GET', '/v0/management/keys/ci').flush({
      secret: 'sk-...abcd',
      comment: 'old',
      allowedModels: ['smart'],
    });
    expectCall(http, 'GET', '/v0/management/user-quotas').flush({
      daily: { type: 'daily', limitType: 'requests', limit: 10 },
    });
    expectCall(http, 'GET', '/v0/management/keys').flush({ ci: {} });
    await settle(fixture);
    typeInto(fixture, 'key-comment', 'new');
    click(fixture, 'save');
    await settle(fixture);
    const patch = expectCall(http, 'PATCH', '/v0/management/keys/ci');
    expect(patch.request.body).toEqual({
      comment: 'new',
      allowedModels: ['smart'],
      excludedModels: [],
      allowedProviders: [],
      excludedProviders: [],
      allowedIps: [],
      quotas: [],
      maxConcurrency: null,
    });
    patch.flush({ success: true, name: 'ci' });
    await settle(fixture);
  });
});
