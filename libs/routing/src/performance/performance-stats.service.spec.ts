import {
  MAX_TRACKED_TARGETS,
  PerformanceStats,
  SAMPLES_PER_TARGET,
  type PerformanceSample,
} from './performance-stats.service';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function sample(overrides: Partial<PerformanceSample> = {}): PerformanceSample {
  return {
    provider: 'p',
    model: 'm',
    ttftMs: 200,
    durationMs: 1200,
    outputTokens: 100,
    success: true,
    at: T0,
    ...overrides,
  };
}

describe('PerformanceStats', () => {
  let stats: PerformanceStats;

  beforeEach(() => {
    stats = new PerformanceStats();
  });

  it('knows nothing about a target it never saw', () => {
    expect(stats.stats('p', 'm')).toEqual({
      samples: 0,
      avgTtftMs: null,
      avgTokensPerSec: null,
      avgE2eTokensPerSec: null,
      lastUpdated: null,
      successes: 0,
      failures: 0,
      minTtftMs: null,
      maxTtftMs: null,
    });
    expect(stats.requestsInLast24h('p', 'm', T0)).toBe(0);
    expect(stats.snapshot(T0)).toEqual([]);
  });

  it('averages TTFT and computes post-first-token and end-to-end throughput', () => {
    // 100 tokens in 1000 ms after a 200 ms TTFT; 300 tokens in 1000 ms after 400 ms.
    stats.record(sample({ ttftMs: 200, durationMs: 1200, outputTokens: 100, at: T0 }));
    stats.record(sample({ ttftMs: 400, durationMs: 1400, outputTokens: 300, at: T0 + 1000 }));
    const result = stats.stats('p', 'm');
    expect(result.samples).toBe(2);
    expect(result.avgTtftMs).toBe(300);
    expect(result.avgTokensPerSec).toBeCloseTo(200); // 400 tokens / 2 s
    expect(result.avgE2eTokensPerSec).toBeCloseTo(400 / 2.6);
    expect(result.lastUpdated).toBe(T0 + 1000);
  });

  it('weights throughput by tokens, so a tiny reply cannot dominate', () => {
    stats.record(sample({ ttftMs: 100, durationMs: 1100, outputTokens: 50 }));
    stats.record(sample({ ttftMs: 100, durationMs: 101, outputTokens: 2 })); // 2000 tok/s on its own
    expect(stats.stats('p', 'm').avgTokensPerSec).toBeCloseTo(52 / 1.001);
  });

  it('never counts a failure without TTFT as fast, nor failures as throughput', () => {
    stats.record(sample({ ttftMs: null, durationMs: 5, outputTokens: 0, success: false }));
    let result = stats.stats('p', 'm');
    expect(result.samples).toBe(1);
    expect(result.avgTtftMs).toBeNull();
    expect(result.avgTokensPerSec).toBeNull();
    expect(result.avgE2eTokensPerSec).toBeNull();
    expect(result.lastUpdated).toBe(T0);

    // A failure mid-stream still measured a real TTFT, but not a throughput.
    stats.record(sample({ ttftMs: 800, durationMs: 900, outputTokens: 10, success: false }));
    result = stats.stats('p', 'm');
    expect(result.avgTtftMs).toBe(800);
    expect(result.avgTokensPerSec).toBeNull();
    expect(result.avgE2eTokensPerSec).toBeNull();
  });

  it('has end-to-end throughput but no post-TTFT throughput when TTFT is unknown', () => {
    stats.record(sample({ ttftMs: null, durationMs: 2000, outputTokens: 100 }));
    const result = stats.stats('p', 'm');
    expect(result.avgTtftMs).toBeNull();
    expect(result.avgTokensPerSec).toBeNull();
    expect(result.avgE2eTokensPerSec).toBeCloseTo(50);
  });

  it('ignores successful samples without output tokens for throughput, and sanitises bad numbers', () => {
    stats.record(sample({ ttftMs: 100, durationMs: 500, outputTokens: 0 }));
    stats.record(sample({ ttftMs: Number.NaN, durationMs: Number.POSITIVE_INFINITY, outputTokens: -3 }));
    stats.record(sample({ ttftMs: -1, durationMs: 10, outputTokens: 5 }));
    const result = stats.stats('p', 'm');
    expect(result.samples).toBe(3);
    expect(result.avgTtftMs).toBe(100);
    expect(result.avgTokensPerSec).toBeNull();
    expect(result.avgE2eTokensPerSec).toBeCloseTo(500);
  });

  it(`keeps only the last ${SAMPLES_PER_TARGET} samples`, () => {
    for (let i = 0; i < SAMPLES_PER_TARGET; i++) stats.record(sample({ ttftMs: 10_000, at: T0 + i }));
    for (let i = 0; i < SAMPLES_PER_TARGET; i++)
      stats.record(sample({ ttftMs: 100, durationMs: 1100, at: T0 + 1000 + i }));
    const result = stats.stats('p', 'm');
    expect(result.samples).toBe(SAMPLES_PER_TARGET);
    expect(result.avgTtftMs).toBe(100);
    expect(result.lastUpdated).toBe(T0 + 1000 + SAMPLES_PER_TARGET - 1);
  });

  it('keeps targets apart', () => {
    stats.record(sample({ provider: 'a', model: 'x', ttftMs: 100 }));
    stats.record(sample({ provider: 'a', model: 'y', ttftMs: 200 }));
    stats.record(sample({ provider: 'b', model: 'x', ttftMs: 300 }));
    expect(stats.stats('a', 'x').avgTtftMs).toBe(100);
    expect(stats.stats('a', 'y').avgTtftMs).toBe(200);
    expect(stats.stats('b', 'x').avgTtftMs).toBe(300);
    expect(stats.stats('b', 'y').samples).toBe(0);
  });

  it('defaults the sample time to now', () => {
    jest.spyOn(Date, 'now').mockReturnValue(T0 + 42);
    try {
      stats.record(sample({ at: undefined }));
      expect(stats.stats('p', 'm').lastUpdated).toBe(T0 + 42);
      expect(stats.requestsInLast24h('p', 'm')).toBe(1);
    } finally {
      jest.restoreAllMocks();
    }
  });

  describe('requestsInLast24h', () => {
    it('counts every attempt, successful or not, over the last 24 hours', () => {
      stats.record(sample({ at: T0 }));
      stats.record(sample({ at: T0 + 10 * MINUTE, success: false, ttftMs: null }));
      stats.record(sample({ at: T0 + 23 * HOUR }));
      expect(stats.requestsInLast24h('p', 'm', T0 + 23 * HOUR)).toBe(3);
      expect(stats.requestsInLast24h('p', 'm', T0 + 24 * HOUR + MINUTE)).toBe(2);
      expect(stats.requestsInLast24h('p', 'm', T0 + 24 * HOUR + 11 * MINUTE)).toBe(1);
      expect(stats.requestsInLast24h('p', 'm', T0 + 48 * HOUR)).toBe(0);
      expect(stats.requestsInLast24h('other', 'm', T0)).toBe(0);
    });

    it('counts beyond the sample ring and handles late, out-of-order samples', () => {
      for (let i = 0; i < 1000; i++) stats.record(sample({ at: T0 + i * 1000 }));
      stats.record(sample({ at: T0 - 5 * MINUTE })); // reported late
      stats.record(sample({ at: T0 + 30 * 1000 })); // into an existing minute
      expect(stats.requestsInLast24h('p', 'm', T0 + 1000 * 1000)).toBe(1002);
      expect(stats.stats('p', 'm').samples).toBe(SAMPLES_PER_TARGET);
      // A sample older than a day before the newest one is dropped outright.
      stats.record(sample({ at: T0 - 2 * 24 * HOUR }));
      expect(stats.requestsInLast24h('p', 'm', T0 + 1000 * 1000)).toBe(1002);
    });

    it('does not count samples from after `now`', () => {
      stats.record(sample({ at: T0 }));
      stats.record(sample({ at: T0 + 2 * HOUR }));
      expect(stats.requestsInLast24h('p', 'm', T0 + HOUR)).toBe(1);
    });

    it('stays bounded by minute buckets under a steady day of traffic', () => {
      // One request every 20 s for two days: 8640 requests, 2880 distinct minutes.
      for (let i = 0; i < 8640; i++) stats.record(sample({ at: T0 + i * 20_000 }));
      const end = T0 + 8639 * 20_000;
      expect(stats.requestsInLast24h('p', 'm', end)).toBe(24 * 60 * 3);
    });
  });

  it('snapshots every target with its 24 h count, sorted', () => {
    stats.record(sample({ provider: 'b', model: 'x', at: T0 }));
    stats.record(sample({ provider: 'a', model: 'y', at: T0 }));
    stats.record(sample({ provider: 'a', model: 'x', at: T0 }));
    stats.record(sample({ provider: 'a', model: 'x', at: T0 + 1 }));
    const snapshot = stats.snapshot(T0 + MINUTE);
    expect(snapshot.map((entry) => `${entry.provider}/${entry.model}`)).toEqual(['a/x', 'a/y', 'b/x']);
    expect(snapshot[0]).toEqual({
      provider: 'a',
      model: 'x',
      samples: 2,
      avgTtftMs: 200,
      avgTokensPerSec: 100,
      avgE2eTokensPerSec: expect.closeTo(100 / 1.2, 9) as number,
      lastUpdated: T0 + 1,
      requestsLast24h: 2,
      successes: 2,
      failures: 0,
      minTtftMs: 200,
      maxTtftMs: 200,
    });
  });

  it('forgets one model, a whole provider, or everything', () => {
    stats.record(sample({ provider: 'a', model: 'x' }));
    stats.record(sample({ provider: 'a', model: 'y' }));
    stats.record(sample({ provider: 'b', model: 'x' }));
    expect(stats.clear('a', 'x')).toBe(1);
    expect(stats.snapshot(T0).map((entry) => `${entry.provider}/${entry.model}`)).toEqual(['a/y', 'b/x']);
    expect(stats.clear('a')).toBe(1);
    expect(stats.clear()).toBe(1);
    expect(stats.snapshot(T0)).toEqual([]);
  });

  it(`tracks at most ${MAX_TRACKED_TARGETS} targets, dropping the least recently recorded`, () => {
    for (let i = 0; i < MAX_TRACKED_TARGETS; i++) stats.record(sample({ model: `m${i}` }));
    stats.record(sample({ model: 'm0' })); // m0 is now the most recent; m1 the oldest
    stats.record(sample({ model: 'new' }));
    expect(stats.snapshot(T0)).toHaveLength(MAX_TRACKED_TARGETS);
    expect(stats.stats('p', 'm0').samples).toBe(2);
    expect(stats.stats('p', 'm1').samples).toBe(0);
    expect(stats.stats('p', 'new').samples).toBe(1);
  });
});
