import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { form } from '@angular/forms/signals';
import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration } from './format';
import { splitItems } from './list-input';
import { fieldAt, submissionErrors } from './server-errors';
import { httpUrlProblem, intProblem } from './validators';

describe('server errors onto a form', () => {
  const make = () =>
    TestBed.runInInjectionContext(() => form(signal({ name: '', groups: [{ targets: [{ provider: '' }] }] })));

  it('finds fields by the API path, array indexes included', () => {
    const f = make();
    expect(fieldAt(f, ['name'])).toBe(f.name);
    expect(fieldAt(f, ['groups', '0', 'targets', '0', 'provider'])).toBe(f.groups[0]?.targets[0]?.provider);
    expect(fieldAt(f, ['groups', '3'])).toBeUndefined();
    expect(fieldAt(f, ['nope'])).toBeUndefined();
  });

  it('puts known paths on their field and the rest on the form, with the path named', () => {
    const f = make();
    const errors = submissionErrors(
      {
        status: 400,
        message: 'Validation failed',
        details: [
          { path: ['name'], message: 'taken' },
          { path: ['extra'], message: 'unknown' },
          { path: [], message: 'body' },
        ],
      },
      (path) => fieldAt(f, path),
    );
    expect(errors).toEqual([
      { kind: 'server', message: 'taken', fieldTree: f.name },
      { kind: 'server', message: 'extra: unknown' },
      { kind: 'server', message: 'body' },
    ]);
    expect(submissionErrors({ status: 409, message: 'in use', details: [] }, () => undefined)).toEqual([
      { kind: 'server', message: 'in use' },
    ]);
  });
});

describe('small helpers', () => {
  it('splits pasted lists', () => {
    expect(splitItems(' a, b\nc\t\t d ,')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('checks URLs and integers', () => {
    expect(httpUrlProblem('https://x.y/v1')).toBeNull();
    expect(httpUrlProblem('')).toBe('Enter a URL');
    expect(httpUrlProblem('x')).toBe('Not a valid URL');
    expect(intProblem('', 1, 2)).toBeNull();
    expect(intProblem('3', 1, 2)).toBe('Between 1 and 2');
  });

  it('formats durations and counts', () => {
    expect([850, 2400, 12_300, 185_000].map(formatDuration)).toEqual(['850 ms', '2.40 s', '12.3 s', '3m 05s']);
    expect(formatDuration(null)).toBe('—');
    expect([999, 12_345, 2_500_000].map(formatCount)).toEqual(['999', '12.3K', '2.5M']);
  });
});
