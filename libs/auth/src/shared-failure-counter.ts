import type { Redis } from 'ioredis';

/** Failed-login counts shared by every replica. */
export interface SharedFailureCounter {
  /** Counts one more failure in the key's window (which starts with its first failure); returns the count. */
  increment(key: string, windowMs: number): Promise<number>;
  /** Failures in the key's current window and the milliseconds left in it. */
  read(key: string): Promise<{ failures: number; remainingMs: number }>;
}

/** Bound by the composition root when REDIS_URL is set; absent, each replica counts alone. */
export const SHARED_FAILURE_COUNTER = Symbol('SHARED_FAILURE_COUNTER');

/** INCR and, on the window's first failure, its expiry: atomically, so no window lives forever. */
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** One Redis key per client address, expiring with its window. */
export class RedisFailureCounter implements SharedFailureCounter {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, windowMs: number): Promise<number> {
    return Number(await this.client.eval(INCREMENT, 1, this.prefix + key, windowMs));
  }

  async read(key: string): Promise<{ failures: number; remainingMs: number }> {
    const [count, ttl] = await Promise.all([this.client.get(this.prefix + key), this.client.pttl(this.prefix + key)]);
    return { failures: Number(count ?? 0), remainingMs: Math.max(0, ttl) };
  }
}
