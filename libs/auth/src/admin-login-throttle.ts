import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { SHARED_FAILURE_COUNTER, type SharedFailureCounter } from './shared-failure-counter';

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
 * count nor reset the window. With REDIS_URL the count is shared by every replica; without
 * it, or while Redis can't be reached, each replica counts on its own.
 */
@Injectable()
export class AdminLoginThrottle {
  private readonly logger = new Logger(AdminLoginThrottle.name);
  private readonly windows = new Map<string, FailureWindow>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(
    env: Environment,
    @Optional() @Inject(SHARED_FAILURE_COUNTER) private readonly shared: SharedFailureCounter | null = null,
  ) {
    this.maxFailures = env.ADMIN_LOGIN_MAX_FAILURES;
    this.windowMs = env.ADMIN_LOGIN_WINDOW_SECONDS * 1000;
  }

  /** Seconds until the address may try again, or 0 when it may try now. */
  async retryAfterSeconds(address: string, now = Date.now()): Promise<number> {
    if (this.shared) {
      try {
        const { failures, remainingMs } = await this.shared.read(address);
        return failures < this.maxFailures ? 0 : Math.max(1, Math.ceil(remainingMs / 1000));
      } catch (error) {
        this.logger.warn(`failed logins counted in-process: ${(error as Error).message}`);
      }
    }
    const window = this.current(address, now);
    if (!window || window.failures < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
  }

  async recordFailure(address: string, now = Date.now()): Promise<void> {
    if (this.shared) {
      try {
        await this.shared.increment(address, this.windowMs);
        return;
      } catch (error) {
        this.logger.warn(`failed logins counted in-process: ${(error as Error).message}`);
      }
    }
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
