import { PerformanceStats } from '../performance/performance-stats.service';
import { UsageSelector } from './usage.selector';
import { names, target } from './test-fixtures';

describe('UsageSelector', () => {
  const NOW = Date.UTC(2026, 0, 2, 0, 0, 0);
  let stats: PerformanceStats;
  let selector: UsageSelector;

  function requests(provider: string, count: number, at = NOW - 60_000): void {
    for (let i = 0; i < count; i++) {
      stats.record({ provider, model: 'm', ttftMs: 100, durationMs: 500, outputTokens: 10, success: true, at });
    }
  }

  beforeEach(() => {
    stats = new PerformanceStats();
    selector = new UsageSelector(stats);
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });

  afterEach(() => jest.restoreAllMocks());

  it('is registered as usage', () => {
    expect(selector.name).toBe('usage');
  });

  it('puts the least used target in the last 24 h first', () => {
    requests('busy', 5);
    requests('quiet', 1);
    requests('medium', 3);
    expect(names(selector.order([target('busy'), target('medium'), target('quiet')]))).toEqual([
      'quiet',
      'medium',
      'busy',
    ]);
  });

  it('keeps the declared order among ties, unused targets included', () => {
    requests('b', 2);
    requests('d', 2);
    expect(names(selector.order([target('b'), target('a'), target('d'), target('c')]))).toEqual(['a', 'c', 'b', 'd']);
  });

  it('forgets requests older than 24 h', () => {
    requests('old', 10, NOW - 25 * 60 * 60_000);
    requests('recent', 1);
    expect(names(selector.order([target('recent'), target('old')]))).toEqual(['old', 'recent']);
  });

  it('counts per model, not per provider', () => {
    requests('p', 3);
    const ordered = selector.order([target('p', 'm'), target('p', 'other')]);
    expect(ordered.map((t) => t.model)).toEqual(['other', 'm']);
  });
});
