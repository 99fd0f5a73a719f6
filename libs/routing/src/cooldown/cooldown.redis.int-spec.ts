import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RedisConnection } from '../redis/redis-connection';
import { FAILURE_MEMORY_MS } from './cooldown-policy';
import { MemoryCooldownRepository, cooldownFixture, provider, type CooldownFixture } from './cooldown-test-helpers';

/** The machine's Redis, overridable for other setups. */
const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

Logger.overrideLogger(false);

async function eventually(check: () => void | Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('CooldownService shared through Redis (two replicas)', () => {
  // A fresh key prefix per run, so parallel runs and other data on the server never meet.
  const prefix = `plexus-test-${randomBytes(6).toString('hex')}:`;
  const database = new MemoryCooldownRepository();
  const connections: RedisConnection[] = [];
  let inspector: Redis;
  let a: CooldownFixture;
  let b: CooldownFixture;

  async function replica(repository = database): Promise<CooldownFixture> {
    const connection = new RedisConnection(REDIS_URL, prefix);
    connections.push(connection);
    const fixture = await cooldownFixture({ repository, redis: connection, providers: [provider('p'), provider('q')] });
    await fixture.service.load();
    return fixture;
  }

  beforeAll(async () => {
    inspector = new Redis(REDIS_URL);
    a = await replica();
    b = await replica();
  });

  afterAll(async () => {
    const keys = await inspector.keys(`${prefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
    await inspector.quit();
  });

  beforeEach(async () => {
    await a.service.clear();
    await eventually(() => expect(b.service.list()).toEqual([]));
  });

  it('a failure on one replica makes the other skip the target at once, with the same state', async () => {
    const entry = a.service.recordFailure({
      provider: 'p',
      model: 'm',
      status: 429,
      retryAfterSeconds: 30,
      reason: 'rate limited',
    });
    expect(entry).not.toBeNull();
    await eventually(() => expect(b.service.isCoolingDown('p', 'm')).toBe(true));
    expect(b.service.coolingUntil('p', 'm')).toBe(entry!.expiresAt);
    expect(b.service.list()).toEqual([
      expect.objectContaining({ provider: 'p', model: 'm', consecutiveFailures: 1, lastError: 'rate limited' }),
    ]);
    expect(b.service.isCoolingDown('p', 'other')).toBe(false);
  });

  it('keeps the state in a Redis key that outlives the cooldown by the failure memory', async () => {
    const entry = a.service.recordFailure({ provider: 'p', model: 'ttl', status: 500 })!;
    const key = `${prefix}cooldown:p:ttl`;
    await eventually(() => expect(b.service.isCoolingDown('p', 'ttl')).toBe(true));
    expect(JSON.parse((await inspector.get(key)) ?? 'null')).toEqual(entry);
    const ttl = await inspector.pttl(key);
    expect(ttl).toBeGreaterThan(FAILURE_MEMORY_MS);
    expect(ttl).toBeLessThanOrEqual(entry.expiresAt - Date.now() + FAILURE_MEMORY_MS + 1000);
  });

  it('a success on the other replica puts the target back everywhere', async () => {
    a.service.recordFailure({ provider: 'p', model: 'm', status: 503 });
    await eventually(() => expect(b.service.isCoolingDown('p', 'm')).toBe(true));
    b.service.recordSuccess('p', 'm');
    expect(b.service.isCoolingDown('p', 'm')).toBe(false);
    await eventually(() => expect(a.service.isCoolingDown('p', 'm')).toBe(false));
    expect(await inspector.exists(`${prefix}cooldown:p:m`)).toBe(0);
  });

  it('escalates from the shared count: the next failure on the other replica is the second', async () => {
    const first = a.service.recordFailure({ provider: 'q', model: 'm', status: 500 }, Date.now() - 10 * 60_000)!;
    await eventually(() => expect(b.service.list(first.expiresAt - 1)).toHaveLength(1));
    const second = b.service.recordFailure({ provider: 'q', model: 'm', status: 500 })!;
    expect(second.consecutiveFailures).toBe(2);
    await eventually(() => {
      const now = Date.now();
      expect(a.service.list(now)).toEqual(b.service.list(now));
    });
    expect(a.service.list()[0]).toMatchObject({ consecutiveFailures: 2 });
  });

  it('clears on every replica: one pair, one provider, everything', async () => {
    a.service.recordFailure({ provider: 'p', model: 'x', status: 500 });
    a.service.recordFailure({ provider: 'p', model: 'y', status: 500 });
    b.service.recordFailure({ provider: 'q', model: 'z', status: 500 });
    const all = (service: CooldownFixture['service']): string[] =>
      service.list().map((entry) => `${entry.provider}/${entry.model}`);
    await eventually(() => {
      expect(all(a.service)).toEqual(['p/x', 'p/y', 'q/z']);
      expect(all(b.service)).toEqual(['p/x', 'p/y', 'q/z']);
    });

    await b.service.clear('p', 'x');
    await eventually(() => expect(all(a.service)).toEqual(['p/y', 'q/z']));
    await a.service.clear('q');
    await eventually(() => expect(all(b.service)).toEqual(['p/y']));
    await b.service.clear();
    await eventually(() => expect(all(a.service)).toEqual([]));
    expect(await inspector.keys(`${prefix}cooldown:*`)).toEqual([]);
  });

  it('a replica that starts later loads the shared state from Redis', async () => {
    a.service.recordFailure({ provider: 'p', model: 'late', status: 429, retryAfterSeconds: 120 });
    await eventually(async () => expect(await inspector.exists(`${prefix}cooldown:p:late`)).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Its own (empty) database: what it knows comes from Redis.
    const c = await replica(new MemoryCooldownRepository());
    expect(c.service.isCoolingDown('p', 'late')).toBe(true);
    const now = Date.now();
    expect(c.service.list(now)).toEqual(a.service.list(now));
  });

  it('writes the database once, from the replica that saw the failure', async () => {
    database.writes = 0;
    a.service.recordFailure({ provider: 'p', model: 'db', status: 500 });
    await eventually(() => expect(b.service.isCoolingDown('p', 'db')).toBe(true));
    await Promise.all([a.service.flush(), b.service.flush()]);
    expect(database.writes).toBe(1);
    expect(database.rows.get('p/db')).toMatchObject({ consecutiveFailures: 1 });
  });

  it('keeps working in-process when Redis cannot be reached', async () => {
    const unreachable = new RedisConnection('redis://127.0.0.1:1', prefix);
    const started = Date.now();
    const lonely = await cooldownFixture({ redis: unreachable, providers: [provider('p')] });
    await lonely.service.load();
    expect(Date.now() - started).toBeLessThan(6000);
    expect(lonely.service.recordFailure({ provider: 'p', model: 'm', status: 500 })).not.toBeNull();
    expect(lonely.service.isCoolingDown('p', 'm')).toBe(true);
    await lonely.service.flush();
    await unreachable.onApplicationShutdown();
  });
});
