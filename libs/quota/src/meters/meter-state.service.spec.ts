import type { CheckResult } from './check-result';
import type { CheckerConfig } from './checker-config';
import { allowanceMeter, balanceMeter, type Meter } from './meter';
import { MeterState } from './meter-state.service';

const NOW = Date.UTC(2030, 0, 1, 12);
const HOUR = 3_600_000;

function config(provider: string, overrides: Partial<CheckerConfig> = {}): CheckerConfig {
  return {
    checkerId: provider,
    type: 'synthetic',
    provider,
    displayName: provider,
    intervalMs: 30 * 60_000,
    options: {},
    apiKey: null,
    maxUtilizationPercent: 99,
    ...overrides,
  };
}

function result(provider: string, meters: Meter[], checkedAt = NOW, success = true): CheckResult {
  return { checkerId: provider, checkerType: 'synthetic', provider, checkedAt: new Date(checkedAt), success, meters };
}

function window(percent: number, resetInMs: number | null, key = 'five_hour'): Meter {
  return allowanceMeter({
    key,
    label: key,
    unit: 'percentage',
    limit: 100,
    utilizationPercent: percent,
    ...(resetInMs !== null && { resetsAt: new Date(NOW + resetInMs) }),
  });
}

describe('MeterState', () => {
  let state: MeterState;

  beforeEach(() => {
    state = new MeterState();
  });

  function seed(provider: string, meters: Meter[], overrides: Partial<CheckerConfig> = {}, checkedAt = NOW): void {
    state.register(config(provider, overrides), NOW + 30 * 60_000);
    state.record(result(provider, meters, checkedAt), NOW + 30 * 60_000);
  }

  describe('exhaustedUntil', () => {
    it('blocks a provider at or over the default 99% until its window resets', () => {
      seed('a', [window(99, HOUR)]);
      seed('b', [window(98.9, HOUR)]);
      expect(state.exhaustedUntil('a', NOW)).toBe(NOW + HOUR);
      expect(state.exhaustedUntil('b', NOW)).toBeNull();
      expect(state.exhaustedUntil('a', NOW + HOUR)).toBeNull();
    });

    it('honours maxUtilizationPercent and the latest reset of several exhausted meters', () => {
      seed('a', [window(80, HOUR), window(85, 3 * HOUR, 'weekly')], { maxUtilizationPercent: 80 });
      expect(state.exhaustedUntil('a', NOW)).toBe(NOW + 3 * HOUR);
      expect(state.exhaustedUntil('a', NOW + 2 * HOUR)).toBe(NOW + 3 * HOUR);
    });

    it('a threshold of 100 lets a provider run to the last request', () => {
      seed('a', [window(99.5, HOUR)], { maxUtilizationPercent: 100 });
      expect(state.exhaustedUntil('a', NOW)).toBeNull();
    });

    it('a spent balance (no reset time) blocks until a check finds it healthy again', () => {
      seed('a', [balanceMeter({ key: 'balance', label: 'b', unit: 'usd', remaining: 0 })]);
      expect(state.exhaustedUntil('a', NOW)).toBe(NOW + 30 * 60_000);
      expect(state.exhaustedUntil('a', NOW + 31 * 60_000)).toBe(NOW + 31 * 60_000 + 1000);
      state.record(result('a', [balanceMeter({ key: 'balance', label: 'b', unit: 'usd', remaining: 5 })]), NOW + HOUR);
      expect(state.exhaustedUntil('a', NOW)).toBeNull();
    });

    it('a failed check changes nothing about routing', () => {
      state.register(config('a'), NOW);
      state.record(result('a', [], NOW, false), NOW);
      expect(state.exhaustedUntil('a', NOW)).toBeNull();
    });
  });

  describe('headroom', () => {
    it('scores expiring meters per hour left and balances by share left; the weakest meter counts', () => {
      seed('soon', [window(50, 2 * HOUR)]);
      seed('balance', [balanceMeter({ key: 'balance', label: 'b', unit: 'usd', limit: 10, used: 2, remaining: 8 })]);
      seed('mixed', [window(0, 10 * HOUR), window(90, 1 * HOUR, 'weekly')]);
      expect(state.headroom('soon', NOW)).toEqual({ category: 'expiring', score: 0.25 });
      expect(state.headroom('balance', NOW)).toEqual({ category: 'balance', score: 0.8 });
      expect(state.headroom('mixed', NOW)?.score).toBeCloseTo(0.1);
    });

    it('ignores readings older than two intervals, windows already reset, and unknown utilisation', () => {
      seed('stale', [window(10, HOUR)], {}, NOW - 61 * 60_000);
      seed('reset', [window(10, -1)]);
      seed('unknown', [allowanceMeter({ key: 'k', label: 'k', unit: 'requests' })]);
      expect(state.headroom('stale', NOW)).toBeNull();
      expect(state.headroom('reset', NOW)).toBeNull();
      expect(state.headroom('unknown', NOW)).toBeNull();
      expect(state.headroom('nobody', NOW)).toBeNull();
    });
  });
});
