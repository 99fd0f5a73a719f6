import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { RedisConnection } from '../redis/redis-connection';
import { VisionDescriptorCache } from './vision-descriptor-cache';

/** The machine's Redis, overridable for other setups. */
const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

Logger.overrideLogger(false);

async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
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

describe('VisionDescriptorCache shared through Redis (two replicas)', () => {
  // A fresh key prefix per run, so parallel runs and other data on the server never meet.
  const prefix = `plexus-test-${randomBytes(6).toString('hex')}:`;
  const connections: RedisConnection[] = [];

  async function replica(): Promise<VisionDescriptorCache> {
    const connection = new RedisConnection(REDIS_URL, prefix);
    connections.push(connection);
    const cache = new VisionDescriptorCache(connection);
    await cache.onModuleInit();
    return cache;
  }

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
  });

  it('serves a description one replica made to the other, and a clear empties both', async () => {
    const [a, b] = [await replica(), await replica()];
    const key = VisionDescriptorCache.key('describer', 'abc123');
    expect(await b.get(key)).toBeNull();
    await a.set(key, 'a cat on a mat');
    expect(await b.get(key)).toBe('a cat on a mat');

    await b.clear();
    expect(await b.get(key)).toBeNull();
    // a held it in its own LRU too: the clear reaches it through the channel.
    await eventually(async () => expect(await a.get(key)).toBeNull());
  });

  it('works without Redis, in process', async () => {
    const cache = new VisionDescriptorCache(new RedisConnection(undefined));
    await cache.onModuleInit();
    await cache.set('m:h', 'text');
    expect(await cache.get('m:h')).toBe('text');
    expect(await cache.clear()).toBe(1);
    expect(await cache.get('m:h')).toBeNull();
  });
});
