import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection';
import { LRUCache } from 'lru-cache';

const MAX_ENTRIES = 500;
/** How long a description lives in Redis: the in-process LRU bounds each replica, this bounds the shared store. */
const REDIS_TTL_SECONDS = 7 * 24 * 3600;
const KEY_PREFIX = 'vision-description:';
const CLEAR_CHANNEL = 'vision-descriptions-cleared';

/**
 * Image descriptions by descriptor model and image hash: a bounded LRU in each replica,
 * and with REDIS_URL a store the replicas share (an entry one described, the others
 * reuse). Redis failures only cost a description: they are logged, never thrown.
 */
@Injectable()
export class VisionDescriptorCache implements OnModuleInit {
  private readonly logger = new Logger(VisionDescriptorCache.name);
  private readonly local = new LRUCache<string, string>({ max: MAX_ENTRIES });

  constructor(private readonly redis: RedisConnection) {}

  async onModuleInit(): Promise<void> {
    if (!this.redis.enabled) return;
    await this.redis
      .subscribe(CLEAR_CHANNEL, (origin) => {
        if (origin !== this.redis.instanceId) this.local.clear();
      })
      .catch((error: unknown) => this.logger.warn(`cache clears on other replicas won't be seen: ${String(error)}`));
  }

  static key(descriptorModel: string, imageHash: string): string {
    return `${descriptorModel}:${imageHash}`;
  }

  async get(key: string): Promise<string | null> {
    const found = this.local.get(key);
    if (found !== undefined || !this.redis.enabled) return found ?? null;
    try {
      const shared = await this.redis.client.get(this.redis.key(KEY_PREFIX + key));
      if (shared !== null) this.local.set(key, shared);
      return shared;
    } catch (error) {
      this.logger.warn(`could not read a cached description: ${(error as Error).message}`);
      return null;
    }
  }

  async set(key: string, description: string): Promise<void> {
    this.local.set(key, description);
    if (!this.redis.enabled) return;
    await this.redis.client
      .set(this.redis.key(KEY_PREFIX + key), description, 'EX', REDIS_TTL_SECONDS)
      .catch((error: unknown) => this.logger.warn(`could not share a description: ${(error as Error).message}`));
  }

  /** Forgets every description, on every replica. Answers how many this replica held. */
  async clear(): Promise<number> {
    const held = this.local.size;
    this.local.clear();
    if (!this.redis.enabled) return held;
    const client = this.redis.client;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', this.redis.key(`${KEY_PREFIX}*`), 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await this.redis.publish(CLEAR_CHANNEL, this.redis.instanceId);
    return held;
  }
}
