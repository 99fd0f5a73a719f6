import type { StallPolicy } from './provider-adapter';
import type { StallPhase } from './upstream-error';

/** How often the throughput is measured, at most (a fraction of the window when it is short). */
const MAX_CHECK_INTERVAL_MS = 1000;

/**
 * Watches one streamed answer's bytes against a stall policy and calls `onStall` once
 * when it stalls: fewer than `ttfbBytes` within `ttfbMs` of the start, or, once the
 * first `ttfbBytes` are in and the grace period is over, fewer than `minBytesPerSecond`
 * over the last `windowMs`. `stop` it when the answer ends, however it ends.
 */
export class StallWatchdog {
  private received = 0;
  private ttfbPassedAt: number | null = null;
  /** (time, bytes) of the arrivals within the last window, once the TTFB check passed. */
  private readonly arrivals: Array<{ at: number; bytes: number }> = [];
  private ttfbTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private done = false;
  /** Set while the client holds the read back: nothing arrives, and that is not the upstream's fault. */
  private suspendedAt: number | null = null;
  private ttfbDeadline = 0;

  constructor(
    private readonly policy: StallPolicy,
    private readonly onStall: (phase: StallPhase, detail: string) => void,
  ) {}

  start(): void {
    const { ttfbMs } = this.policy;
    if (ttfbMs === null) return;
    this.ttfbDeadline = Date.now() + ttfbMs;
    this.armTtfb(ttfbMs);
  }

  /** The read is held back by the client: no check runs until `resume`. */
  suspend(): void {
    if (this.done || this.suspendedAt !== null) return;
    this.suspendedAt = Date.now();
    this.clearTtfb();
  }

  /** The read goes on: the TTFB deadline moves by the time held back, and throughput is judged on a fresh window. */
  resume(): void {
    if (this.done || this.suspendedAt === null) return;
    const now = Date.now();
    const held = now - this.suspendedAt;
    this.suspendedAt = null;
    if (this.ttfbPassedAt === null) {
      if (this.policy.ttfbMs === null) return;
      this.ttfbDeadline += held;
      this.armTtfb(Math.max(0, this.ttfbDeadline - now));
      return;
    }
    this.arrivals.length = 0;
    this.ttfbPassedAt = Math.max(this.ttfbPassedAt, now - this.policy.gracePeriodMs);
  }

  /** Bytes of the answer arrived. */
  bytes(count: number): void {
    if (this.done || count <= 0) return;
    const now = Date.now();
    this.received += count;
    if (this.ttfbPassedAt !== null) {
      this.arrivals.push({ at: now, bytes: count });
      return;
    }
    if (this.received < this.policy.ttfbBytes) return;
    this.ttfbPassedAt = now;
    this.clearTtfb();
    if (this.policy.minBytesPerSecond === null) return;
    const interval = Math.min(MAX_CHECK_INTERVAL_MS, Math.max(50, Math.floor(this.policy.windowMs / 3)));
    this.checkTimer = setInterval(() => this.checkThroughput(), interval);
  }

  stop(): void {
    this.done = true;
    this.clearTtfb();
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
  }

  private checkThroughput(): void {
    const { windowMs, gracePeriodMs, minBytesPerSecond } = this.policy;
    if (this.ttfbPassedAt === null || minBytesPerSecond === null || this.suspendedAt !== null) return;
    const now = Date.now();
    // A full window after the grace period, so the rate is never judged on a partial window.
    if (now - this.ttfbPassedAt < gracePeriodMs + windowMs) return;
    const since = now - windowMs;
    while (this.arrivals.length > 0 && this.arrivals[0].at <= since) this.arrivals.shift();
    const bytes = this.arrivals.reduce((sum, arrival) => sum + arrival.bytes, 0);
    const rate = (bytes * 1000) / windowMs;
    if (rate < minBytesPerSecond) {
      this.fire('throughput', `${Math.round(rate)} bytes/s over the last ${windowMs} ms, below ${minBytesPerSecond}`);
    }
  }

  private fire(phase: StallPhase, detail: string): void {
    if (this.done) return;
    this.stop();
    this.onStall(phase, detail);
  }

  private armTtfb(delayMs: number): void {
    const { ttfbMs, ttfbBytes } = this.policy;
    this.ttfbTimer = setTimeout(() => {
      this.fire('ttfb', `${this.received} of the first ${ttfbBytes} bytes within ${ttfbMs} ms`);
    }, delayMs);
  }

  private clearTtfb(): void {
    if (this.ttfbTimer) clearTimeout(this.ttfbTimer);
    this.ttfbTimer = null;
  }
}
