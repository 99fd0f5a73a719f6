import { describe, expect, it } from 'vitest';
import {
  describeQuota,
  emptyQuotaForm,
  limitProblem,
  quotaFormOf,
  quotaMeterOf,
  quotaPayload,
  quotaViewsOf,
  DURATION_PATTERN,
} from './quota-model';

describe('quota model', () => {
  it('lists definitions by name', () => {
    expect(
      quotaViewsOf({
        b: { type: 'daily', limitType: 'requests', limit: 5 },
        a: { type: 'monthly', limitType: 'cost', limit: 2 },
      }).map((q) => q.name),
    ).toEqual(['a', 'b']);
  });

  it('describes a quota in words', () => {
    expect(describeQuota({ type: 'rolling', limitType: 'requests', limit: 1000, duration: '1h' })).toBe(
      '1,000 requests per 1h (rolling)',
    );
    expect(describeQuota({ type: 'daily', limitType: 'cost', limit: 5 })).toBe('$5.00 per day');
    expect(describeQuota({ type: 'monthly', limitType: 'tokens', limit: 2_000_000 })).toBe('2M tokens per month');
  });

  it('sends warnAt as a share and duration only for rolling windows', () => {
    const model = {
      ...emptyQuotaForm(),
      name: 'team',
      type: 'daily' as const,
      limit: '100',
      duration: '1h',
      warnAtPercent: '80',
    };
    expect(quotaPayload(model)).toEqual({
      type: 'daily',
      limitType: 'requests',
      limit: 100,
      warnAt: 0.8,
      shared: false,
    });
    expect(quotaPayload({ ...model, type: 'rolling', warnAtPercent: '', limitType: 'cost', limit: '2.5' })).toEqual({
      type: 'rolling',
      limitType: 'cost',
      limit: 2.5,
      duration: '1h',
      shared: false,
    });
  });

  it('round-trips a definition through the form', () => {
    const form = quotaFormOf({
      name: 'q',
      type: 'rolling',
      limitType: 'tokens',
      limit: 500,
      duration: '5m',
      warnAt: 0.9,
      shared: true,
    });
    expect(form).toEqual({
      name: 'q',
      type: 'rolling',
      limitType: 'tokens',
      limit: '500',
      duration: '5m',
      warnAtPercent: '90',
      shared: true,
    });
    expect(quotaPayload(form)).toEqual({
      type: 'rolling',
      limitType: 'tokens',
      limit: 500,
      duration: '5m',
      warnAt: 0.9,
      shared: true,
    });
  });

  it('checks limits per unit and the duration syntax', () => {
    expect(limitProblem('', 'requests')).toBe('Enter the limit');
    expect(limitProblem('2.5', 'requests')).toBe('Enter a whole number of requests');
    expect(limitProblem('0', 'tokens')).toBe('At least 1');
    expect(limitProblem('2.5', 'cost')).toBeNull();
    expect(limitProblem('0', 'cost')).toBe('Must be more than 0');
    for (const ok of ['30s', '5m', '1h', '2h30m', '1d']) expect(DURATION_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'h', '1x', '30m1h', '1.5h']) expect(DURATION_PATTERN.test(bad)).toBe(false);
  });

  it('turns a key quota state into a meter, amber from warnAt and red once exhausted', () => {
    const entry = {
      name: 'daily',
      type: 'daily' as const,
      limitType: 'requests' as const,
      limit: 100,
      currentUsage: 85,
      remaining: 15,
      allowed: true,
      duration: null,
      resetsAt: '2026-01-02T00:00:00.000Z',
      shared: false,
      source: 'assigned' as const,
      warnAt: 0.8,
    };
    expect(quotaMeterOf(entry)).toMatchObject({
      percent: 85,
      tone: 'warn',
      label: '85 / 100 requests',
      description: '100 requests per day',
    });
    expect(quotaMeterOf({ ...entry, currentUsage: 10 }).tone).toBe('ok');
    expect(quotaMeterOf(entry).recomputable).toBe(true);
    expect(quotaMeterOf({ ...entry, type: 'rolling', duration: '1h' }).recomputable).toBe(false);
    expect(quotaMeterOf({ ...entry, type: 'rolling', duration: '1h', limitType: 'cost' }).recomputable).toBe(true);
    expect(quotaMeterOf({ ...entry, currentUsage: 130, allowed: false })).toMatchObject({ percent: 100, tone: 'over' });
    expect(quotaMeterOf({ ...entry, limitType: 'cost', limit: 5, currentUsage: 1.25 }).label).toBe('$1.25 / $5.00');
  });
});
