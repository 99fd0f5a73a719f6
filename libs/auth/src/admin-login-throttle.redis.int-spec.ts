import type { Environment } from '@plexus/config';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AdminLoginThrottle } from './admin-login-throttle';
import { RedisFailureCounter } from './shared-failure-counter';

/** The machine's Redis, overridable for other setups. */
const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('AdminLoginThrottle shared through Redis (two replicas)', () => {
  const prefix = `plexus-test-${randomBytes(6).toString('hex')}:login:`;
  const env = { ADMIN_KEY: 'admin', ADMIN_LOGIN_MAX_FAILURES: 3, ADMIN_LOGIN_WINDOW_SECONDS: 2 } as Environment;
  let clients: Redis[];

  beforeAll(() => {
    clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
  });

  afterAll(async () => {
    const keys = await clients[0].keys(`${prefix}*`);
    if (keys.length > 0) await clients[0].del(...keys);
    await Promise.all(clients.map((client) => client.quit()));
  });

  it('throttles an address on every replica once the failures on all of them pass the limit, until the window ends', async () => {
    const [a, b] = clients.map((client) => new AdminLoginThrottle(env, new RedisFailureCounter(client, prefix))) as [
      AdminLoginThrottle,
      AdminLoginThrottle,
    ];
    expect((await a.recordFailure('203.0.113.5', 'k1')).retryAfterSeconds).toBe(0);
    expect((await b.recordFailure('203.0.113.5', 'k2')).retryAfterSeconds).toBe(0);
    expect((await a.recordFailure('203.0.113.5', 'k3')).retryAfterSeconds).toBe(0);
    const throttled = await b.recordFailure('203.0.113.5', 'k4');
    expect(throttled.failures).toBe(4);
    expect(throttled.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(throttled.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect((await b.recordFailure('203.0.113.6', 'k5')).retryAfterSeconds).toBe(0);
    expect(await clients[0].pttl(`${prefix}203.0.113.5`)).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await a.recordFailure('203.0.113.5', 'k6')).failures).toBe(1);
  });
});
