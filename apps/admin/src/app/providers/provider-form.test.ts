import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminSession } from '../core/admin-session';
import { click, expectCall, render, settle, setUpHttp, text, typeInto } from '../testing/test-setup';
import { ProviderForm } from './provider-form';

describe('ProviderForm', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    http = setUpHttp();
    TestBed.inject(AdminSession).signIn('admin-key');
  });

  afterEach(() => http.verify());

  it('creates a provider with PUT, sending the admin key, then goes back to the list', async () => {
    const fixture = await render(ProviderForm);
    expectCall(http, 'GET', '/v0/management/providers').flush({ existing: { api_base_url: 'http://e' } });
    await settle(fixture);
    typeInto(fixture, 'slug', 'mock');
    typeInto(fixture, 'base-url', 'http://127.0.0.1:9/v1');
    typeInto(fixture, 'api-key', 'sk-up');
    typeInto(fixture, 'timeout', '5000');
    click(fixture, 'save');
    await settle(fixture);
    const put = expectCall(http, 'PUT', '/v0/management/providers/mock');
    expect(put.request.headers.get('x-admin-key')).toBe('admin-key');
    expect(put.request.body).toEqual({
      api_base_url: 'http://127.0.0.1:9/v1',
      api_key: 'sk-up',
      enabled: true,
      models: [],
      timeoutMs: 5000,
    });
    put.flush({ success: true, slug: 'mock' });
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/providers');
  });

  it('blocks saving while the form is invalid and names the problems', async () => {
    const fixture = await render(ProviderForm);
    expectCall(http, 'GET', '/v0/management/providers').flush({ existing: { api_base_url: 'http://e' } });
    typeInto(fixture, 'slug', 'existing');
    click(fixture, 'save');
    await settle(fixture);
    http.expectNone((request) => request.method === 'PUT');
    expect(text(fixture)).toContain("A provider named 'existing' already exists");
    expect(text(fixture)).toContain('Enter a URL');
    expect(text(fixture)).toContain('Enter the upstream API key');
  });

  it("shows the server's 400 field errors on their fields and the rest on the form", async () => {
    const fixture = await render(ProviderForm);
    expectCall(http, 'GET', '/v0/management/providers').flush({});
    typeInto(fixture, 'slug', 'mock');
    typeInto(fixture, 'base-url', 'http://127.0.0.1:9/v1');
    typeInto(fixture, 'api-key', 'sk-up');
    click(fixture, 'save');
    await settle(fixture);
    expectCall(http, 'PUT', '/v0/management/providers/mock').flush(
      {
        error: 'Validation failed',
        details: [
          {
            path: ['api_base_url'],
            message: 'api_base_url must be a URL or a map of API type to URL',
            code: 'isUrlOrUrlMap',
          },
          { path: ['headers'], message: 'headers must be an object', code: 'isObject' },
        ],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    const baseUrlField = (fixture.nativeElement as HTMLElement)
      .querySelector('[data-testid="base-url"]')
      ?.closest('mat-form-field');
    expect(baseUrlField?.textContent).toContain('api_base_url must be a URL or a map of API type to URL');
    expect(text(fixture)).toContain('headers: headers must be an object');
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('edits with PATCH and never sends or shows the stored key', async () => {
    const fixture = await render(ProviderForm, { slug: 'mock' });
    expectCall(http, 'GET', '/v0/management/providers/mock').flush({
      display_name: 'Mock',
      api_base_url: 'http://old/v1',
      api_key: 'sk-...abcd',
      enabled: true,
      models: ['m1'],
    });
    expectCall(http, 'GET', '/v0/management/providers').flush({ mock: {} });
    await settle(fixture);
    const keyInput = (fixture.nativeElement as HTMLElement).querySelector<HTMLInputElement>('[data-testid="api-key"]');
    expect(keyInput?.value).toBe('');
    expect(text(fixture)).not.toContain('abcd');
    expect(text(fixture)).toContain('A key is set. Leave empty to keep it.');
    typeInto(fixture, 'base-url', 'http://new/v1');
    click(fixture, 'save');
    await settle(fixture);
    const patch = expectCall(http, 'PATCH', '/v0/management/providers/mock');
    expect(patch.request.body).toEqual({
      api_base_url: 'http://new/v1',
      display_name: 'Mock',
      enabled: true,
      models: ['m1'],
    });
    patch.flush({ success: true, slug: 'mock' });
    await settle(fixture);
  });

  it('fetches the upstream models into the list', async () => {
    const fixture = await render(ProviderForm);
    expectCall(http, 'GET', '/v0/management/providers').flush({});
    await settle(fixture);
    click(fixture, 'fetch-models');
    await settle(fixture);
    expect(text(fixture)).toContain('Enter the base URL first');
    typeInto(fixture, 'base-url', 'https://up.example/v1');
    typeInto(fixture, 'api-key', 'sk-up');
    click(fixture, 'fetch-models');
    await settle(fixture);
    const call = expectCall(http, 'POST', '/v0/management/providers/fetch-models');
    expect(call.request.body).toEqual({ url: 'https://up.example/v1', apiKey: 'sk-up' });
    call.flush({
      data: [
        { id: 'gpt-x', object: 'model' },
        { id: 'gpt-y', object: 'model' },
      ],
    });
    await settle(fixture);
    expect(text(fixture)).toContain('The upstream lists 2 model(s); 2 added');
    expect(text(fixture)).toContain('gpt-x');
  });

  it('tests a saved provider model and shows the outcome', async () => {
    const fixture = await render(ProviderForm, { slug: 'up' });
    expectCall(http, 'GET', '/v0/management/providers/up').flush({
      api_base_url: 'https://up.example/v1',
      models: ['m1'],
    });
    expectCall(http, 'GET', '/v0/management/providers').flush({ up: {} });
    await settle(fixture);
    (fixture.componentInstance as unknown as { testModel: { set(v: string): void } }).testModel.set('m1');
    await settle(fixture);
    click(fixture, 'test');
    await settle(fixture);
    const call = expectCall(http, 'POST', '/v0/management/test');
    expect(call.request.body).toEqual({ provider: 'up', model: 'm1' });
    call.flush({ success: false, durationMs: 120, apiType: 'chat', error: 'HTTP 401: bad key' });
    await settle(fixture);
    expect(text(fixture)).toContain('Failed in 120 ms (chat): HTTP 401: bad key');
  });

  it('shows a provider from the config file without letting it be saved', async () => {
    const fixture = await render(ProviderForm, { slug: 'fixed' });
    expectCall(http, 'GET', '/v0/management/providers/fixed').flush({
      api_base_url: 'https://up.example/v1',
      managed: true,
    });
    expectCall(http, 'GET', '/v0/management/providers').flush({ fixed: { managed: true } });
    await settle(fixture);
    expect(text(fixture)).toContain('Defined in the declarative config file (PLEXUS_CONFIG)');
    expect(
      ((fixture.nativeElement as HTMLElement).querySelector('[data-testid="save"]') as HTMLButtonElement).disabled,
    ).toBe(true);
  });
});
