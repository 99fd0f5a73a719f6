import type { StallPolicy } from './provider-adapter';
import { StallWatchdog } from './stall-watchdog';
import type { StallPhase } from './upstream-error';

const POLICY: StallPolicy = {
  ttfbMs: 5000,
  ttfbBytes: 100,
  minBytesPerSecond: 50,
  windowMs: 3000,
  gracePeriodMs: 2000,
};

function watch(policy: Partial<StallPolicy> = {}): {
  watchdog: StallWatchdog;
  stalls: Array<{ phase: StallPhase; detail: string }>;
} {
  const stalls: Array<{ phase: StallPhase; detail: string }> = [];
  const watchdog = new StallWatchdog({ ...POLICY, ...policy }, (phase, detail) => stalls.push({ phase, detail }));
  watchdog.start();
  return { watchdog, stalls };
}

describe('StallWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('stalls at the TTFB deadline when fewer than ttfbBytes arrived', () => {
    const { watchdog, stalls } = watch();
    watchdog.bytes(60);
    jest.advanceTimersByTime(4999);
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(stalls).toEqual([{ phase: 'ttfb', detail: '60 of the first 100 bytes within 5000 ms' }]);
    jest.advanceTimersByTime(60_000);
    expect(stalls).toHaveLength(1);
  });

  it('passes the TTFB check once ttfbBytes arrived, however they were split', () => {
    const { watchdog, stalls } = watch({ minBytesPerSecond: null });
    watchdog.bytes(60);
    jest.advanceTimersByTime(1000);
    watchdog.bytes(40);
    jest.advanceTimersByTime(60_000);
    expect(stalls).toEqual([]);
    watchdog.stop();
  });

  it('enforces throughput only after the grace period and a full window', () => {
    const { watchdog, stalls } = watch();
    watchdog.bytes(100);
    // Nothing more arrives: judged at grace (2 s) + window (3 s) after the TTFB pass.
    jest.advanceTimersByTime(4000);
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(stalls).toEqual([{ phase: 'throughput', detail: '0 bytes/s over the last 3000 ms, below 50' }]);
  });

  it('keeps a stream that stays above the minimum rate alive, and stalls it when it slows down', () => {
    const { watchdog, stalls } = watch();
    watchdog.bytes(100);
    for (let second = 0; second < 20; second++) {
      jest.advanceTimersByTime(500);
      watchdog.bytes(80); // 80 bytes/s
      jest.advanceTimersByTime(500);
    }
    expect(stalls).toEqual([]);
    for (let second = 0; second < 10 && stalls.length === 0; second++) {
      jest.advanceTimersByTime(1000);
      watchdog.bytes(30); // 30 bytes/s
    }
    expect(stalls).toEqual([expect.objectContaining({ phase: 'throughput' })]);
  });

  it('runs no TTFB timer when that dimension is off, and still measures throughput after ttfbBytes', () => {
    const { watchdog, stalls } = watch({ ttfbMs: null, gracePeriodMs: 0 });
    jest.advanceTimersByTime(120_000);
    expect(stalls).toEqual([]);
    watchdog.bytes(150);
    jest.advanceTimersByTime(3000);
    expect(stalls).toEqual([expect.objectContaining({ phase: 'throughput' })]);
  });

  it('never fires after stop', () => {
    const { watchdog, stalls } = watch();
    watchdog.stop();
    jest.advanceTimersByTime(60_000);
    watchdog.bytes(10);
    expect(stalls).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not blame the upstream while the client holds the read back, and judges a fresh window after', () => {
    const { watchdog, stalls } = watch();
    watchdog.bytes(100);
    watchdog.suspend();
    jest.advanceTimersByTime(60_000);
    expect(stalls).toEqual([]);
    watchdog.resume();
    jest.advanceTimersByTime(2999);
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(1001);
    expect(stalls).toEqual([expect.objectContaining({ phase: 'throughput' })]);
  });

  it('moves the TTFB deadline by the time the client held the read back', () => {
    const { watchdog, stalls } = watch();
    jest.advanceTimersByTime(1000);
    watchdog.suspend();
    jest.advanceTimersByTime(30_000);
    watchdog.resume();
    jest.advanceTimersByTime(3999);
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(stalls).toEqual([expect.objectContaining({ phase: 'ttfb' })]);
  });
});
