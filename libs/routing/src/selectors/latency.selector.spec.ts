import { PerformanceStats } from '../performance/performance-stats.service';
import { RoutingSettings } from '../routing-settings';
import { LatencySelector } from './latency.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

const T0 = Date.UTC(2026, 0, 1);

describe('LatencySelector', () => {
  let stats: PerformanceStats;
  let settings: RoutingSettings;
  let selector: LatencySelector;

  function ttft(provider: string, ttftMs: number | null, at = T0, success = ttftMs !== null): void {
    stats.record({ provider, model: 'm', ttftMs, durationMs: 2000, outputTokens: success ? 100 : 0, success, at });
  }

  function exploration(rates: { performance: number; latency?: number }): void {
    settings.update({
      exploration: { performanceExplorationRate: rates.performance, latencyExplorationRate: rates.latency },
    });
  }

  beforeEach(() => {
    stats = new PerformanceStats();
    settings = new RoutingSettings();
    selector = new LatencySelector(stats, settings);
  });

  afterEach(() => jest.restoreAllMocks());

  it('is registered as latency', () => {
    expect(selector.name).toBe('latency');
  });

  it('orders by lowest mean TTFT, targets without TTFT data last in declared order', () => {
    exploration({ performance: 0 });
    ttft('slow', 900);
    ttft('fast', 100);
    ttft('mid', 400);
    ttft('mid', 600);
    ttft('failed-only', null); // a failure before any token: no TTFT, so not fast
    const ordered = selector.order([
      target('unseen'),
      target('slow'),
      target('failed-only'),
      target('mid'),
      target('fast'),
    ]);
    expect(names(ordered)).toEqual(['fast', 'mid', 'slow', 'unseen', 'failed-only']);
  });

  it('keeps the declared order when no target has data', () => {
    exploration({ performance: 0 });
    expect(names(selector.order([target('a'), target('b'), target('c')]))).toEqual(['a', 'b', 'c']);
  });

  it('explores an unsampled target first when the draw falls under the rate', () => {
    exploration({ performance: 0.05 });
    ttft('fast', 100, T0);
    ttft('slow', 900, T0 + 1);
    jest.spyOn(Math, 'random').mockReturnValueOnce(0.01).mockReturnValueOnce(0);
    expect(names(selector.order([target('fast'), target('slow'), target('unseen')]))).toEqual([
      'unseen',
      'fast',
      'slow',
    ]);
  });

  it('without unsampled targets, explores the least recently updated one', () => {
    exploration({ performance: 0.05 });
    ttft('fast', 100, T0 + 5000);
    ttft('stale', 900, T0);
    ttft('mid', 300, T0 + 1000);
    jest.spyOn(Math, 'random').mockReturnValue(0.01);
    expect(names(selector.order([target('fast'), target('mid'), target('stale')]))).toEqual(['stale', 'fast', 'mid']);
  });

  it('does not explore when the draw is at or above the rate', () => {
    exploration({ performance: 0.05 });
    ttft('fast', 100);
    jest.spyOn(Math, 'random').mockReturnValue(0.05);
    expect(names(selector.order([target('unseen'), target('fast')]))).toEqual(['fast', 'unseen']);
  });

  it('uses latencyExplorationRate over performanceExplorationRate when set', () => {
    ttft('fast', 100);
    jest.spyOn(Math, 'random').mockReturnValue(0.3);
    exploration({ performance: 0.5, latency: 0.1 });
    expect(names(selector.order([target('fast'), target('unseen')]))[0]).toBe('fast');
    exploration({ performance: 0.1, latency: 0.5 });
    expect(names(selector.order([target('fast'), target('unseen')]))[0]).toBe('unseen');
    exploration({ performance: 0.5 });
    expect(names(selector.order([target('fast'), target('unseen')]))[0]).toBe('unseen');
  });

  it('returns a single target without drawing', () => {
    const random = jest.spyOn(Math, 'random');
    expect(names(selector.order([target('only')]))).toEqual(['only']);
    expect(selector.order([])).toEqual([]);
    expect(random).not.toHaveBeenCalled();
  });

  it('over 2000 orderings picks the fastest first except at about the exploration rate', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(1234));
    exploration({ performance: 0.05, latency: 0.1 });
    ttft('fast', 100, T0 + 2);
    ttft('slow', 800, T0 + 1);
    ttft('failed-only', null, T0 + 3);
    const targets = [target('failed-only'), target('unseen'), target('slow'), target('fast')];
    const runs = 2000;
    const counts = firstPlaces(runs, () => selector.order(targets));
    // Exploration always goes to the one never-sampled target; nothing else ever beats `fast`.
    expect([...counts.keys()].sort()).toEqual(['fast', 'unseen']);
    expect(Math.abs((counts.get('unseen') ?? 0) / runs - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('never ranks a no-data target first without exploration', () => {
    exploration({ performance: 0 });
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(99));
    ttft('known', 5000);
    ttft('failed-only', null);
    const counts = firstPlaces(500, () => selector.order([target('unseen'), target('failed-only'), target('known')]));
    expect(counts).toEqual(new Map([['known', 500]]));
  });
});
