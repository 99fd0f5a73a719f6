import { describe, expect, it } from 'vitest';
import {
  SETTINGS_SECTIONS,
  listProblem,
  numberProblem,
  settingsFormOf,
  settingsPayload,
  type ListField,
  type NumberField,
} from './settings-model';

const section = (id: string) => SETTINGS_SECTIONS.find((s) => s.id === id)!;

describe('settings model', () => {
  it('has a section per /config endpoint', () => {
    expect(SETTINGS_SECTIONS.map((s) => s.id)).toEqual([
      'cooldown',
      'timeout',
      'stall',
      'failover',
      'exploration-rate',
      'background-exploration',
      'debug',
      'capture-trace-on-error',
      'vision-fallthrough',
      'compaction',
    ]);
  });

  it('sends text fields trimmed, an empty nullable one as null', () => {
    const vision = section('vision-fallthrough');
    const form = settingsFormOf(vision, { descriptor_model: 'describer', default_prompt: 'Describe it.' });
    expect(form).toEqual({ descriptor_model: 'describer', default_prompt: 'Describe it.' });
    expect(settingsPayload(vision, { descriptor_model: ' ', default_prompt: ' Look. ' })).toEqual({
      descriptor_model: null,
      default_prompt: 'Look.',
    });
  });

  it('turns server values into form values: numbers as text, null as empty, lists as strings', () => {
    expect(
      settingsFormOf(section('stall'), {
        ttfbSeconds: null,
        ttfbBytes: 100,
        minBytesPerSecond: 200,
        windowSeconds: 10,
        gracePeriodSeconds: 0,
      }),
    ).toEqual({
      ttfbSeconds: '',
      ttfbBytes: '100',
      minBytesPerSecond: '200',
      windowSeconds: '10',
      gracePeriodSeconds: '0',
    });
    expect(
      settingsFormOf(section('failover'), {
        enabled: true,
        maxAttempts: 3,
        retryableStatusCodes: [429, 500],
        retryableErrors: ['ECONNRESET'],
      }),
    ).toEqual({
      enabled: true,
      maxAttempts: '3',
      retryableStatusCodes: ['429', '500'],
      retryableErrors: ['ECONNRESET'],
    });
  });

  it('sends only what changed, typed for the API (empty nullable → null, status codes as numbers)', () => {
    const failover = section('failover');
    const saved = settingsFormOf(failover, {
      enabled: true,
      maxAttempts: 3,
      retryableStatusCodes: [429],
      retryableErrors: [],
    });
    expect(
      settingsPayload(failover, { ...saved, retryableStatusCodes: ['429', '503'], enabled: false }, saved),
    ).toEqual({
      enabled: false,
      retryableStatusCodes: [429, 503],
    });
    const stall = section('stall');
    const before = settingsFormOf(stall, {
      ttfbSeconds: 30,
      ttfbBytes: 100,
      minBytesPerSecond: null,
      windowSeconds: 10,
      gracePeriodSeconds: 5,
    });
    expect(settingsPayload(stall, { ...before, ttfbSeconds: '' }, before)).toEqual({ ttfbSeconds: null });
  });

  it('validates numbers against the server bounds', () => {
    const timeout = section('timeout').fields[0] as NumberField;
    expect(numberProblem('', timeout)).toBe('Enter a value');
    expect(numberProblem('1.5', timeout)).toBe('Enter a whole number');
    expect(numberProblem('0', timeout)).toBe('Between 1 and 3600');
    expect(numberProblem('3601', timeout)).toBe('Between 1 and 3600');
    expect(numberProblem('60', timeout)).toBeNull();
    const ttfb = section('stall').fields[0] as NumberField;
    expect(numberProblem('', ttfb)).toBeNull();
    const initial = section('cooldown').fields[0] as NumberField;
    expect(numberProblem('0.05', initial)).toBe('At least 0.1');
    expect(numberProblem('0.5', initial)).toBeNull();
    expect(numberProblem('abc', initial)).toBe('Enter a number');
  });

  it('validates list entries', () => {
    const codes = section('failover').fields[2] as ListField;
    expect(listProblem(['429', '503'], codes)).toBeNull();
    expect(listProblem(['429', '99'], codes)).toBe("'99' is not a status code (100–599)");
    expect(listProblem(['5xx'], codes)).toBe("'5xx' is not a status code (100–599)");
  });

  it('checks that the longest cooldown is at least the first', () => {
    const rule = section('cooldown').rules![0]!;
    expect(rule.check({ initialMinutes: 5, maxMinutes: 1 })).toBe('At least the first cooldown');
    expect(rule.check({ initialMinutes: 1, maxMinutes: 5 })).toBeNull();
  });
});
