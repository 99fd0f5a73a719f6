import type { Environment } from '@plexus/config';
import { AdminLoginThrottle } from './admin-login-throttle';
import type { SharedFailureCounter } from './shared-failure-counter';

const env = { ADMIN_LOGIN_MAX_FAILURES: 3, ADMIN_LOGIN_WINDOW_SECONDS: 60 } as Environment;

describe('AdminLoginThrottle', () => {
  it('blocks an address after the allowed failures until its window ends', async () => {
    const limiter = new AdminLoginThrottle(env);
    for (let i = 0; i < 2; i++) await limiter.recordFailure('10.0.0.1', 1_000);
    expect(await limiter.retryAfterSeconds('10.0.0.1', 2_000)).toBe(0);
    await limiter.recordFailure('10.0.0.1', 3_000);
    expect(await limiter.retryAfterSeconds('10.0.0.1', 3_000)).toBe(58);
    expect(await limiter.retryAfterSeconds('10.0.0.2', 3_000)).toBe(0);
    expect(await limiter.retryAfterSeconds('10.0.0.1', 61_000)).toBe(0);
  });

  it('starts a fresh window once the old one has passed', async () => {
    const limiter = new AdminLoginThrottle(env);
    await limiter.recordFailure('10.0.0.1', 0);
    await limiter.recordFailure('10.0.0.1', 0);
    await limiter.recordFailure('10.0.0.1', 60_000);
    expect(await limiter.retryAfterSeconds('10.0.0.1', 60_000)).toBe(0);
  });

  it('counts in-process while the shared counter fails', async () => {
    const broken: SharedFailureCounter = {
      increment: () => Promise.reject(new Error('redis down')),
      read: () => Promise.reject(new Error('redis down')),
    };
    const limiter = new AdminLoginThrottle(env, broken);
    for (let i = 0; i < 3; i++) await limiter.recordFailure('10.0.0.1', 0);
    expect(await limiter.retryAfterSeconds('10.0.0.1', 0)).toBe(60);
  });
});
