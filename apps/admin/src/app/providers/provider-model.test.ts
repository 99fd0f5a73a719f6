import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { form } from '@angular/forms/signals';
import { describe, expect, it } from 'vitest';
import {
  emptyProviderForm,
  fetchModelsPlan,
  parseAdvanced,
  mergeModels,
  providerFormOf,
  providerPayload,
  providerSchema,
  providerViewOf,
  providerViewsOf,
  type ProviderFormModel,
} from './provider-model';

function messages(model: ProviderFormModel, creating = true, taken: string[] = []) {
  const f = TestBed.runInInjectionContext(() =>
    form(signal(model), providerSchema({ creating: () => creating, taken: () => new Set(taken) })),
  );
  return {
    valid: f().valid(),
    all: f()
      .errorSummary()
      .map((e) => e.message),
  };
}

const valid = (): ProviderFormModel => ({
  ...emptyProviderForm(),
  slug: 'openai',
  api_base_url: 'https://api.openai.com/v1',
  api_key: 'sk-x',
});

describe('provider views', () => {
  it('reads a single URL, a URL map and a model map from the API config', () => {
    const single = providerViewOf('a', {
      api_base_url: 'http://x/v1',
      api_key: 'sk-...abcd',
      models: ['m1', 'm2'],
      timeoutMs: 5000,
    });
    expect(single).toEqual({
      slug: 'a',
      displayName: null,
      urls: [{ type: '', url: 'http://x/v1' }],
      hasApiKey: true,
      enabled: true,
      models: ['m1', 'm2'],
      modelConfigs: null,
      timeoutMs: 5000,
      advanced: {},
    });
    const mapped = providerViewOf('b', {
      display_name: 'B',
      api_base_url: { chat: 'http://c', messages: 'http://m' },
      enabled: false,
      models: { big: { pricing: { source: 'simple' } }, small: {} },
    });
    expect(mapped.urls).toEqual([
      { type: 'chat', url: 'http://c' },
      { type: 'messages', url: 'http://m' },
    ]);
    expect(mapped.models).toEqual(['big', 'small']);
    expect(mapped.modelConfigs).toEqual({ big: { pricing: { source: 'simple' } }, small: {} });
    expect(mapped.enabled).toBe(false);
    expect(mapped.hasApiKey).toBe(false);
  });

  it('sorts the list by slug', () => {
    expect(
      providerViewsOf({ zeta: { api_base_url: 'http://z' }, alpha: { api_base_url: 'http://a' } }).map((p) => p.slug),
    ).toEqual(['alpha', 'zeta']);
  });

  it('round-trips a provider into the form', () => {
    const view = providerViewOf('b', { api_base_url: { chat: 'http://c' }, models: ['m'], timeoutMs: 2000 });
    expect(providerFormOf(view)).toEqual({
      slug: 'b',
      display_name: '',
      urlMode: 'map',
      api_base_url: '',
      urls: [{ type: 'chat', url: 'http://c' }],
      api_key: '',
      enabled: true,
      models: ['m'],
      timeoutMs: '2000',
      advanced: '',
    });
  });
});

describe('providerPayload', () => {
  it('creates with the key, a single URL, a model list and a numeric timeout', () => {
    expect(
      providerPayload({ ...valid(), display_name: ' OpenAI ', models: ['gpt', ' '], timeoutMs: '30000' }, null),
    ).toEqual({
      api_base_url: 'https://api.openai.com/v1',
      display_name: 'OpenAI',
      api_key: 'sk-x',
      enabled: true,
      models: ['gpt'],
      timeoutMs: 30000,
    });
  });

  it('sends a URL map keyed by API type', () => {
    const body = providerPayload(
      {
        ...valid(),
        urlMode: 'map',
        urls: [
          { type: ' chat ', url: 'http://c ' },
          { type: 'messages', url: 'http://m' },
        ],
      },
      null,
    );
    expect(body.api_base_url).toEqual({ chat: 'http://c', messages: 'http://m' });
  });

  it('edits without the API key unless a new one is typed, keeps model settings and clears a timeout', () => {
    const original = providerViewOf('p', {
      api_base_url: 'http://x',
      api_key: 'sk-...abcd',
      models: { big: { pricing: 1 } },
      timeoutMs: 5000,
    });
    const model = { ...providerFormOf(original), models: ['big', 'new'], timeoutMs: '' };
    const body = providerPayload(model, original) as unknown as Record<string, unknown>;
    expect(body).toEqual({
      api_base_url: 'http://x',
      display_name: '',
      enabled: true,
      models: { big: { pricing: 1 }, new: {} },
      timeoutMs: null,
    });
    expect('api_key' in body).toBe(false);
    expect(providerPayload({ ...model, api_key: 'sk-new' }, original).api_key).toBe('sk-new');
  });
});

describe('providerSchema', () => {
  it('accepts a complete provider', () => {
    expect(messages(valid())).toEqual({ valid: true, all: [] });
  });

  it('requires slug, URL and key when creating', () => {
    expect(messages(emptyProviderForm()).all).toEqual(['Enter a slug', 'Enter a URL', 'Enter the upstream API key']);
  });

  it('checks the slug pattern and existing slugs', () => {
    expect(messages({ ...valid(), slug: 'has space' }).all).toEqual(["Letters, digits, '.', '_' or '-'"]);
    expect(messages(valid(), true, ['openai']).all).toEqual(["A provider named 'openai' already exists"]);
    expect(messages(valid(), false, ['openai']).valid).toBe(true);
  });

  it('checks URLs, the URL map and the timeout range', () => {
    expect(messages({ ...valid(), api_base_url: 'ftp://x' }).all).toEqual(['Use an http:// or https:// URL']);
    const map = {
      ...valid(),
      urlMode: 'map' as const,
      api_base_url: '',
      urls: [
        { type: 'chat', url: 'http://a' },
        { type: 'chat', url: 'nope' },
      ],
    };
    expect(messages(map).all).toEqual(["'chat' is listed twice", "'chat' is listed twice", 'Not a valid URL']);
    expect(messages({ ...map, urls: [] }).all).toEqual(['Add at least one URL']);
    expect(messages({ ...valid(), timeoutMs: '999' }).all).toEqual(['Between 1,000 and 3,600,000']);
    expect(messages({ ...valid(), timeoutMs: '1.5' }).all).toEqual(['Enter a whole number']);
  });

  it('does not require the key when editing (the stored one is kept)', () => {
    expect(messages({ ...valid(), api_key: '' }, false).valid).toBe(true);
  });
});

describe('fetching models', () => {
  it('names an existing provider by slug unless a new key is typed', () => {
    const edit = { ...emptyProviderForm(), slug: 'up', api_base_url: 'https://up.example/v1' };
    expect(fetchModelsPlan(edit, false)).toEqual({ ok: true, body: { provider: 'up' } });
    expect(fetchModelsPlan({ ...edit, api_key: ' sk-new ' }, false)).toEqual({
      ok: true,
      body: { url: 'https://up.example/v1', apiKey: 'sk-new' },
    });
  });

  it('uses the typed URL (the chat one of a map) when creating, and asks for one first', () => {
    expect(fetchModelsPlan(emptyProviderForm(), true)).toEqual({ ok: false, problem: 'Enter the base URL first' });
    const map = {
      ...emptyProviderForm(),
      urlMode: 'map' as const,
      urls: [
        { type: 'messages', url: 'https://m' },
        { type: 'chat', url: 'https://c' },
      ],
    };
    expect(fetchModelsPlan(map, true)).toEqual({ ok: true, body: { url: 'https://c' } });
  });

  it('adds only the models not listed yet', () => {
    expect(mergeModels(['a', 'b'], ['b', 'c', 'c', 'd'])).toEqual({ models: ['a', 'b', 'c', 'd'], added: 2 });
  });
});

describe('advanced provider settings', () => {
  it('shows the fields the form has no control for as JSON and sends them back merged', () => {
    const view = providerViewOf('p', {
      api_base_url: 'http://x',
      discount: 0.1,
      headers: { 'x-team': '...' },
      unknownThing: 1,
    });
    expect(view.advanced).toEqual({ headers: { 'x-team': '...' }, discount: 0.1 });
    const form = providerFormOf(view);
    expect(JSON.parse(form.advanced)).toEqual({ headers: { 'x-team': '...' }, discount: 0.1 });
    expect(providerPayload({ ...form, advanced: '{"discount": 0.2, "stall_cooldown": true}' }, view)).toMatchObject({
      discount: 0.2,
      stall_cooldown: true,
    });
  });

  it('refuses JSON that is not an object of known fields', () => {
    expect(parseAdvanced('')).toEqual({});
    expect(parseAdvanced('{')).toBe('Not valid JSON');
    expect(parseAdvanced('[1]')).toBe('Must be a JSON object');
    expect(parseAdvanced('{"api_key": "x"}')).toBe('Unknown field(s): api_key');
  });
});
