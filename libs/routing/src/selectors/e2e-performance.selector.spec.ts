import { PerformanceStats } from '../performance/performance-stats.service';
import { RoutingSettings } from '../routing-settings';
import { E2ePerformanceSelector } from './e2e-performance.selector';
import { firstPlaces, names, seededRandom, target } from './test-fixtures';

const T0 = Date.UTC(2026, 0, 1);

describe('E2ePerformanceSelector', () => {
  let stats: PerformanceStats;
  let settings: RoutingSettings;
  let selector: E2ePerformanceSelector;

  function sample(provider: string, ttftMs: number, durationMs: number, outputTokens: number, at = T0): void {
    stats.record({ provider, model: 'm', ttftMs, durationMs, outputTokens, success: true, at });
  }

  beforeEach(() => {
    stats = new PerformanceStats();
    settings = new RoutingSettings();
    selector = new E2ePerformanceSelector(stats, settings);
  });

  afterEach(() => jest.restoreAllMocks());

  it('is registered as e2e_performance', () => {
    expect(selector.name).toBe('e2e_performance');
  });

  it('orders by output tokens over total duration, counting the TTFT', () => {
    settings.update({ exploration: { performanceExplorationRate: 0 } });
    // Fast generation behind a long TTFT: 100 tokens in 5 s end to end (20/s), 1000/s after the first token.
    sample('late-starter', 4900, 5000, 100);
    // Steady: 100 tokens in 2 s (50/s).
    sample('steady', 200, 2000, 100);
    const ordered = selector.order([target('unseen'), target('late-starter'), target('steady')]);
    expect(names(ordered)).toEqual(['steady', 'late-starter', 'unseen']);
  });

  it('uses e2ePerformanceExplorationRate over performanceExplorationRate when set', () => {
    sample('known', 100, 1000, 50);
    jest.spyOn(Math, 'random').mockReturnValue(0.3);
    settings.update({ exploration: { performanceExplorationRate: 0.5, e2ePerformanceExplorationRate: 0.1 } });
    expect(names(selector.order([target('known'), target('unseen')]))[0]).toBe('known');
    settings.update({ exploration: { performanceExplorationRate: 0.5 } });
    expect(names(selector.order([target('known'), target('unseen')]))[0]).toBe('unseen');
  });

  it('over 2000 orderings picks the best first except at about the exploration rate', () => {
    jest.spyOn(Math, 'random').mockImplementation(seededRandom(77));
    settings.update({ exploration: { performanceExplorationRate: 0.2, e2ePerformanceExplorationRate: 0.05 } });
    sample('best', 100, 1000, 100);
    sample('worse', 100, 1000, 10);
    const targets = [target('worse'), target('unseen-1'), target('best'), target('unseen-2')];
    const runs = 2000;
    const counts = firstPlaces(runs, () => selector.order(targets));
    const explored = (counts.get('unseen-1') ?? 0) + (counts.get('unseen-2') ?? 0);
    expect(counts.get('worse')).toBeUndefined();
    expect(Math.abs(explored / runs - 0.05)).toBeLessThanOrEqual(0.015);
    // Exploration spreads over the unsampled targets.
    expect(counts.get('unseen-1')).toBeGreaterThan(0);
    expect(counts.get('unseen-2')).toBeGreaterThan(0);
  });
});
