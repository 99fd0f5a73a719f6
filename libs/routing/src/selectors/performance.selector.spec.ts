import { PerformanceStats } from '../performance/performance-stats.service';
import { RoutingSettings } from '../routing-settings';
import { PerformanceSelector } from './performance.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

const T0 = Date.UTC(2026, 0, 1);

describe('PerformanceSelector', () => {
  let stats: PerformanceStats;
  let settings: RoutingSettings;
  let selector: PerformanceSelector;

  /** A successful sample generating `tokensPerSec` after a 500 ms TTFT, for 1 s. */
  function throughput(provider: string, tokensPerSec: number, at = T0): void {
    stats.record({
      provider,
      model: 'm',
      ttftMs: 500,
      durationMs: 1500,
      outputTokens: tokensPerSec,
      success: true,
      at,
    });
  }

  function failure(provider: string, at = T0): void {
    stats.record({ provider, model: 'm', ttftMs: null, durationMs: 10, outputTokens: 0, success: false, at });
  }

  beforeEach(() => {
    stats = new PerformanceStats();
    settings = new RoutingSettings();
    selector = new PerformanceSelector(stats, settings);
  });

  afterEach(() => jest.restoreAllMocks());

  it('is registered as performance', () => {
    expect(selector.name).toBe('performance');
  });

  it('orders by highest post-TTFT throughput, targets without data last in declared order', () => {
    settings.update({ exploration: { performanceExplorationRate: 0 } });
    throughput('slow', 20);
    throughput('fast', 150);
    throughput('mid', 60);
    failure('failed-only');
    const ordered = selector.order([
      target('failed-only'),
      target('slow'),
      target('unseen'),
      target('fast'),
      target('mid'),
    ]);
    expect(names(ordered)).toEqual(['fast', 'mid', 'slow', 'failed-only', 'unseen']);
  });

  it('explores an unsampled target, else the least recently updated', () => {
    settings.update({ exploration: { performanceExplorationRate: 0.05 } });
    throughput('fast', 150, T0 + 10);
    throughput('slow', 20, T0 + 20);
    jest.spyOn(Math, 'random').mockReturnValue(0.01);
    expect(names(selector.order([target('fast'), target('slow'), target('unseen')]))).toEqual([
      'unseen',
      'fast',
      'slow',
    ]);
    // The least recently updated may be the best one: exploring it changes nothing.
    expect(names(selector.order([target('slow'), target('fast')]))).toEqual(['fast', 'slow']);
  });

  it('ignores the latency and e2e exploration overrides', () => {
    settings.update({
      exploration: { performanceExplorationRate: 0, latencyExplorationRate: 1, e2ePerformanceExplorationRate: 1 },
    });
    throughput('fast', 150);
    expect(names(selector.order([target('unseen'), target('fast')]))).toEqual(['fast', 'unseen']);
  });

  it('over 2000 orderings picks the fastest first except at about the exploration rate', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(2024));
    settings.update({ exploration: { performanceExplorationRate: 0.05 } });
    throughput('fast', 150, T0 + 3);
    throughput('stale', 40, T0 + 1);
    throughput('mid', 80, T0 + 2);
    const targets = [target('stale'), target('mid'), target('fast')];
    const runs = 2000;
    const counts = firstPlaces(runs, () => selector.order(targets));
    // Everything is sampled, so exploration goes to the least recently updated target.
    expect([...counts.keys()].sort()).toEqual(['fast', 'stale']);
    expect(Math.abs((counts.get('stale') ?? 0) / runs - 0.05)).toBeLessThanOrEqual(0.015);
  });

  it('never ranks a no-data target first without exploration', () => {
    settings.update({ exploration: { performanceExplorationRate: 0 } });
    throughput('known', 1);
    failure('failed-only');
    const counts = firstPlaces(200, () => selector.order([target('unseen'), target('failed-only'), target('known')]));
    expect(counts).toEqual(new Map([['known', 200]]));
  });
});
