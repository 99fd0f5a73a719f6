import type { Redis } from 'ioredis';

/** Failures counted in one window, and the milliseconds left in it. */
export interface FailureCount {
  failures: number;
  remainingMs: number;
}

/** Failed-login counts shared by every replica. */
export interface SharedFailureCounter {
  /** Counts one more failure in the key's window (which starts with its first failure). */
  increment(key: string, windowMs: number): Promise<FailureCount>;
}

/** Bound by the composition root when REDIS_URL is set; absent, each replica counts alone. */
export const SHARED_FAILURE_COUNTER = Symbol('SHARED_FAILURE_COUNTER');

/** INCR and, on the window's first failure, its expiry: atomically, so no window lives forever. */
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** One Redis key per client address (and per failed credential's fingerprint), expiring with its window. */
export class RedisFailureCounter implements SharedFailureCounter {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, windowMs: number): Promise<FailureCount> {
    const [failures, ttl] = (await this.client.eval(INCREMENT, 1, this.prefix + key, windowMs)) as [number, number];
    return { failures: Number(failures), remainingMs: Math.max(0, Number(ttl)) };
  }
}
