import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { createHmac } from 'node:crypto';
import { SHARED_FAILURE_COUNTER, type FailureCount, type SharedFailureCounter } from './shared-failure-counter';

interface FailureWindow {
  startedAt: number;
  failures: number;
}

/** What the client that just failed is told, and when. */
export interface FailureVerdict {
  /** Failures in the window of the address or the credential, whichever has more. */
  failures: number;
  /** Seconds until the window ends when over the limit (answer 429), else 0 (answer 401). */
  retryAfterSeconds: number;
  /** How long to hold the failed answer back; grows with the failures, so guessing gets slow. */
  delayMs: number;
}

/** Keys tracked at most; the oldest windows are dropped beyond it so a flood can't grow memory. */
const MAX_TRACKED = 10_000;
/** The first delayed failure waits this long; each later one twice as long, up to MAX_DELAY_MS. */
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/**
 * Failed management logins, counted per client address and per failed credential (a
 * fingerprint keyed with ADMIN_KEY, the same on every replica, never the key): the same wrong key tried from many addresses is throttled
 * like many keys from one. Only failures are throttled: a correct key, SSO identity or OIDC
 * token is always compared and let through, so a guesser behind the same NAT or ingress
 * as the administrators can't lock them out. Past half of ADMIN_LOGIN_MAX_FAILURES within
 * ADMIN_LOGIN_WINDOW_SECONDS each failed answer is delayed (doubling, up to 2 s); past all
 * of it the failure is answered 429 with Retry-After. With REDIS_URL the counts are shared
 * by every replica; without it, or while Redis can't be reached, each replica counts alone.
 */
@Injectable()
export class AdminLoginThrottle {
  private readonly logger = new Logger(AdminLoginThrottle.name);
  private readonly windows = new Map<string, FailureWindow>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly fingerprintKey: string;
  private failuresSeen = 0;

  constructor(
    env: Environment,
    @Optional() @Inject(SHARED_FAILURE_COUNTER) private readonly shared: SharedFailureCounter | null = null,
  ) {
    this.maxFailures = env.ADMIN_LOGIN_MAX_FAILURES;
    this.windowMs = env.ADMIN_LOGIN_WINDOW_SECONDS * 1000;
    this.fingerprintKey = env.ADMIN_KEY;
  }

  /** Failed logins since start (the metric plexus_management_login_failures_total). */
  get failuresTotal(): number {
    return this.failuresSeen;
  }

  /** Counts a failed login of `credential` from `address` and says how to answer it. */
  async recordFailure(address: string, credential: string, now = Date.now()): Promise<FailureVerdict> {
    this.failuresSeen += 1;
    const fingerprint = createHmac('sha256', this.fingerprintKey).update(credential).digest('hex').slice(0, 12);
    const [byAddress, byCredential] = await Promise.all([
      this.increment(address, now),
      this.increment(`credential:${fingerprint}`, now),
    ]);
    const worst = byCredential.failures > byAddress.failures ? byCredential : byAddress;
    const throttled = worst.failures > this.maxFailures;
    const verdict: FailureVerdict = {
      failures: worst.failures,
      retryAfterSeconds: throttled ? Math.max(1, Math.ceil(worst.remainingMs / 1000)) : 0,
      delayMs: this.delayFor(worst.failures),
    };
    this.logger.warn(
      `failed management login from ${address} (credential ${fingerprint}): ` +
        `${byAddress.failures} from the address, ${byCredential.failures} with the credential in the window` +
        (throttled ? `; throttled for ${verdict.retryAfterSeconds} s` : ''),
    );
    return verdict;
  }

  private delayFor(failures: number): number {
    const soft = Math.ceil(this.maxFailures / 2);
    if (failures <= soft) return 0;
    return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(failures - soft - 1, 16));
  }

  private async increment(key: string, now: number): Promise<FailureCount> {
    if (this.shared) {
      try {
        return await this.shared.increment(key, this.windowMs);
      } catch (error) {
        this.logger.warn(`failed logins counted in-process: ${(error as Error).message}`);
      }
    }
    let window = this.windows.get(key);
    if (window && now - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= MAX_TRACKED) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      window = { startedAt: now, failures: 0 };
      this.windows.set(key, window);
    }
    window.failures += 1;
    return { failures: window.failures, remainingMs: window.startedAt + this.windowMs - now };
  }
}
