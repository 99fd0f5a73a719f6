import { Injectable } from '@nestjs/common';
import { Environment } from '@plexus/config';

interface FailureWindow {
  startedAt: number;
  failures: number;
}

/** Addresses tracked at most; the oldest windows are dropped beyond it so a flood can't grow memory. */
const MAX_TRACKED = 10_000;

/**
 * Failed management logins per client address: after ADMIN_LOGIN_MAX_FAILURES wrong keys
 * within ADMIN_LOGIN_WINDOW_SECONDS the address is refused until its window ends, without
 * the key even being compared (so a blocked guesser learns nothing). Successes neither
 * count nor reset the window. Kept in-process: each replica counts its own failures.
 */
@Injectable()
export class AdminLoginThrottle {
  private readonly windows = new Map<string, FailureWindow>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(env: Environment) {
    this.maxFailures = env.ADMIN_LOGIN_MAX_FAILURES;
    this.windowMs = env.ADMIN_LOGIN_WINDOW_SECONDS * 1000;
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  retryAfterSeconds(address: string, now = Date.now()): number {
    const window = this.current(address, now);
    if (!window || window.failures < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
  }

  recordFailure(address: string, now = Date.now()): void {
    const window = this.current(address, now);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= MAX_TRACKED) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    this.windows.set(address, { startedAt: now, failures: 1 });
  }

  private current(address: string, now: number): FailureWindow | undefined {
    const window = this.windows.get(address);
    if (window && now - window.startedAt >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
