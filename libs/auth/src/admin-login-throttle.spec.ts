import type { Environment } from '@plexus/config';
import { AdminLoginThrottle } from './admin-login-throttle';

describe('AdminLoginThrottle', () => {
  const throttle = () => new AdminLoginThrottle({ ADMIN_LOGIN_MAX_FAILURES: 3, ADMIN_LOGIN_WINDOW_SECONDS: 60 } as Environment);

  it('blocks an address after the allowed failures until its window ends', () => {
    const limiter = throttle();
    for (let i = 0; i < 2; i++) limiter.recordFailure('10.0.0.1', 1_000);
    expect(limiter.retryAfterSeconds('10.0.0.1', 2_000)).toBe(0);
    limiter.recordFailure('10.0.0.1', 3_000);
    expect(limiter.retryAfterSeconds('10.0.0.1', 3_000)).toBe(58);
    expect(limiter.retryAfterSeconds('10.0.0.2', 3_000)).toBe(0);
    expect(limiter.retryAfterSeconds('10.0.0.1', 61_000)).toBe(0);
  });

  it('starts a fresh window once the old one has passed', () => {
    const limiter = throttle();
    limiter.recordFailure('10.0.0.1', 0);
    limiter.recordFailure('10.0.0.1', 0);
    limiter.recordFailure('10.0.0.1', 60_000);
    expect(limiter.retryAfterSeconds('10.0.0.1', 60_000)).toBe(0);
  });
});
