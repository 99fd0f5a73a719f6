import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { form } from '@angular/forms/signals';
import { describe, expect, it, vi } from 'vitest';
import {
  accessSummary,
  emptyKeyForm,
  generateSecret,
  keyCreatePayload,
  keyFormOf,
  keyPolicyPayload,
  keySchema,
  keyStatus,
  keyViewOf,
  keyViewsOf,
} from './key-model';

describe('generateSecret', () => {
  it('is sk- and 48 lowercase hex characters from 24 random bytes', () => {
    const fill = (bytes: Uint8Array<ArrayBuffer>) => bytes.map((_, i) => i * 11);
    const secret = generateSecret(fill);
    expect(secret).toBe(
      `sk-${Array.from({ length: 24 }, (_, i) => ((i * 11) & 0xff).toString(16).padStart(2, '0')).join('')}`,
    );
    expect(secret).toMatch(/^sk-[0-9a-f]{48}$/);
  });

  it("uses the browser's crypto.getRandomValues by default", () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const a = generateSecret();
    const b = generateSecret();
    expect(spy).toHaveBeenCalledTimes(2);
    expect(a).toMatch(/^sk-[0-9a-f]{48}$/);
    expect(a).not.toBe(b);
    spy.mockRestore();
  });
});

describe('key views', () => {
  const raw = {
    secret: 'sk-...abcd',
    comment: 'ci',
    allowedModels: ['smart'],
    excludedProviders: ['costly'],
    expiresAt: 2000,
    disabledAt: undefined,
  };

  it('reads the masked secret, lists and times', () => {
    const view = keyViewOf('ci', raw);
    expect(view).toEqual({
      name: 'ci',
      secret: 'sk-...abcd',
      comment: 'ci',
      allowedModels: ['smart'],
      excludedModels: [],
      allowedProviders: [],
      excludedProviders: ['costly'],
      allowedIps: [],
      quotas: [],
      maxConcurrency: null,
      expiresAt: 2000,
      disabledAt: null,
    });
    expect(keyViewOf('q', { quota: 'old', quotas: ['old', 'new'], maxConcurrency: 4 })).toMatchObject({
      quotas: ['old', 'new'],
      maxConcurrency: 4,
    });
    expect(keyViewOf('x', { disabledAt: '2026-01-01T00:00:00.000Z' }).disabledAt).toBe(Date.UTC(2026, 0, 1));
    expect(keyViewsOf({ b: {}, a: {} }).map((k) => k.name)).toEqual(['a', 'b']);
  });

  it('derives the status: disabled wins, then expiry', () => {
    const view = keyViewOf('ci', raw);
    expect(keyStatus(view, 1000)).toBe('active');
    expect(keyStatus(view, 2000)).toBe('expired');
    expect(keyStatus({ ...view, disabledAt: 1 }, 1000)).toBe('disabled');
  });

  it('summarises only the lists that restrict the key', () => {
    expect(accessSummary(keyViewOf('ci', raw))).toEqual(['models: smart', 'not providers: costly']);
    expect(accessSummary(keyViewOf('open', {}))).toEqual([]);
    expect(accessSummary(keyViewOf('held', { quotas: ['daily'], maxConcurrency: 2 }))).toEqual([
      'quotas: daily',
      'at most 2 at once',
    ]);
  });
});

describe('key payloads', () => {
  it('creates with the secret, policy and an optional lifetime', () => {
    const model = {
      ...emptyKeyForm(),
      name: 'ci',
      comment: ' build bot ',
      allowedModels: ['smart'],
      expiresInMinutes: '60',
    };
    expect(keyCreatePayload(model, 'sk-1')).toEqual({
      secret: 'sk-1',
      comment: 'build bot',
      allowedModels: ['smart'],
      excludedModels: [],
      allowedProviders: [],
      excludedProviders: [],
      allowedIps: [],
      quotas: [],
      maxConcurrency: null,
      expiresInMinutes: 60,
    });
    expect('expiresInMinutes' in keyCreatePayload({ ...model, expiresInMinutes: '' }, 'sk-1')).toBe(false);
  });

  it('edits the policy only: no secret, no lifetime, empty lists sent to clear them', () => {
    const body = keyPolicyPayload({ ...keyFormOf(keyViewOf('ci', { allowedModels: ['a'] })), allowedModels: [] });
    expect(body).toEqual({
      comment: '',
      allowedModels: [],
      excludedModels: [],
      allowedProviders: [],
      excludedProviders: [],
      allowedIps: [],
      quotas: [],
      maxConcurrency: null,
    });
    expect(keyPolicyPayload({ ...emptyKeyForm(), quotas: ['daily'], maxConcurrency: '3' })).toMatchObject({
      quotas: ['daily'],
      maxConcurrency: 3,
    });
  });
});

describe('keySchema', () => {
  const check = (model = emptyKeyForm(), creating = true, taken: string[] = []) =>
    TestBed.runInInjectionContext(() =>
      form(signal(model), keySchema({ creating: () => creating, taken: () => new Set(taken) })),
    )()
      .errorSummary()
      .map((e) => e.message);

  it('requires a name without spaces, / or *, not already taken', () => {
    expect(check()).toEqual(['Name the key (e.g. the app or person using it)']);
    expect(check({ ...emptyKeyForm(), name: 'a*b' })).toEqual(["No spaces, '/' or '*'"]);
    expect(check({ ...emptyKeyForm(), name: 'ci' }, true, ['ci'])).toEqual(["A key named 'ci' already exists"]);
    expect(check({ ...emptyKeyForm(), name: 'ci' }, false, ['ci'])).toEqual([]);
  });

  it('limits the comment and the lifetime', () => {
    expect(check({ ...emptyKeyForm(), name: 'ci', comment: 'x'.repeat(501) })).toEqual(['At most 500 characters']);
    expect(check({ ...emptyKeyForm(), name: 'ci', expiresInMinutes: '0' })).toEqual(['Between 1 and 5,256,000']);
    expect(check({ ...emptyKeyForm(), name: 'ci', maxConcurrency: '0' })).toEqual(['Between 1 and 10,000']);
  });
});
