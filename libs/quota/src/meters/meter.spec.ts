import { allowanceMeter, balanceMeter, statusOf } from './meter';

describe('meters', () => {
  it('derives the status at the reference thresholds', () => {
    expect([0, 74.99, 75, 89.99, 90, 99.99, 100, 130].map(statusOf)).toEqual([
      'ok',
      'ok',
      'warning',
      'warning',
      'critical',
      'critical',
      'exhausted',
      'exhausted',
    ]);
  });

  it('computes utilisation from used or remaining against the limit, else leaves it unknown', () => {
    expect(allowanceMeter({ key: 'k', label: 'k', unit: 'requests', limit: 200, used: 150 })).toMatchObject({
      utilizationPercent: 75,
      remaining: 50,
      status: 'warning',
    });
    expect(allowanceMeter({ key: 'k', label: 'k', unit: 'requests', limit: 200, remaining: 20 })).toMatchObject({
      utilizationPercent: 90,
      used: 180,
      status: 'critical',
    });
    expect(allowanceMeter({ key: 'k', label: 'k', unit: 'percentage', utilizationPercent: 33.333 })).toMatchObject({
      utilizationPercent: 33.33,
      limit: null,
    });
    expect(allowanceMeter({ key: 'k', label: 'k', unit: 'requests', used: 5 })).toMatchObject({
      utilizationPercent: 'unknown',
      status: 'ok',
      resetsAt: null,
    });
  });

  it('treats a balance at or below zero (or unreadable) as exhausted; utilisation only with a limit', () => {
    expect(balanceMeter({ key: 'b', label: 'b', unit: 'usd', remaining: 12 })).toMatchObject({
      kind: 'balance',
      utilizationPercent: 'not_applicable',
      status: 'ok',
      periodUnit: null,
    });
    expect(balanceMeter({ key: 'b', label: 'b', unit: 'usd', remaining: 0 })).toMatchObject({ status: 'exhausted' });
    expect(balanceMeter({ key: 'b', label: 'b', unit: 'usd', remaining: -3 })).toMatchObject({ status: 'exhausted' });
    expect(balanceMeter({ key: 'b', label: 'b', unit: 'usd' })).toMatchObject({ status: 'exhausted' });
    expect(balanceMeter({ key: 'b', label: 'b', unit: 'usd', limit: 10, used: 9.5, remaining: 0.5 })).toMatchObject({
      utilizationPercent: 95,
      status: 'critical',
    });
  });
});
