import type { Environment } from '@plexus/config';
import { AdminLoginThrottle } from './admin-login-throttle';
import type { SharedFailureCounter } from './shared-failure-counter';

const env = { ADMIN_KEY: 'admin', ADMIN_LOGIN_MAX_FAILURES: 4, ADMIN_LOGIN_WINDOW_SECONDS: 60 } as Environment;

describe('AdminLoginThrottle', () => {
  it('throttles an address past the allowed failures until its window ends, other addresses untouched', async () => {
    const throttle = new AdminLoginThrottle(env);
    for (let i = 0; i < 4; i++) {
      expect((await throttle.recordFailure('10.0.0.1', `wrong-${i}`, 1_000)).retryAfterSeconds).toBe(0);
    }
    expect(await throttle.recordFailure('10.0.0.1', 'wrong-5', 3_000)).toMatchObject({
      failures: 5,
      retryAfterSeconds: 58,
    });
    expect((await throttle.recordFailure('10.0.0.2', 'other', 3_000)).retryAfterSeconds).toBe(0);
    expect(await throttle.recordFailure('10.0.0.1', 'wrong-6', 61_000)).toMatchObject({
      failures: 1,
      retryAfterSeconds: 0,
    });
  });

  it('throttles one wrong credential tried from many addresses', async () => {
    const throttle = new AdminLoginThrottle(env);
    for (let i = 0; i < 4; i++) await throttle.recordFailure(`10.0.1.${i}`, 'leaked-old-key', 0);
    expect((await throttle.recordFailure('10.0.1.99', 'leaked-old-key', 0)).retryAfterSeconds).toBe(60);
    expect((await throttle.recordFailure('10.0.1.99', 'another-key', 0)).retryAfterSeconds).toBe(0);
  });

  it('delays failures past half the limit, doubling up to 2 s', async () => {
    const throttle = new AdminLoginThrottle({ ...env, ADMIN_LOGIN_MAX_FAILURES: 10 });
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) delays.push((await throttle.recordFailure('10.0.0.1', `k${i}`, 0)).delayMs);
    expect(delays).toEqual([0, 0, 0, 0, 0, 100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it('counts failures since start for the metric', async () => {
    const throttle = new AdminLoginThrottle(env);
    await throttle.recordFailure('10.0.0.1', 'a');
    await throttle.recordFailure('10.0.0.2', 'b');
    expect(throttle.failuresTotal).toBe(2);
  });

  it('counts in-process while the shared counter fails', async () => {
    const broken: SharedFailureCounter = { increment: () => Promise.reject(new Error('redis down')) };
    const throttle = new AdminLoginThrottle(env, broken);
    for (let i = 0; i < 4; i++) await throttle.recordFailure('10.0.0.1', `k${i}`, 0);
    expect((await throttle.recordFailure('10.0.0.1', 'k5', 0)).retryAfterSeconds).toBe(60);
  });
});
