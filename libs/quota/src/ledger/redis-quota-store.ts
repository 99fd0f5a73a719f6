import { Logger } from '@nestjs/common';
import type { QuotaStateRecord } from '@plexus/persistence';
import { Redis, type Result } from 'ioredis';
import type { AdmitInput, AdmitOutcome, BucketSpec, BucketWrite, QuotaStore, SettleInput } from './quota-store';
import { ADMIT_SCRIPT, READ_SCRIPT, SEED_SCRIPT, SETTLE_SCRIPT } from './redis-quota.scripts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    plexusQuotaAdmit(...args: Array<string | number>): Result<Array<string | number>, Context>;
    plexusQuotaSettle(...args: Array<string | number>): Result<string[], Context>;
    plexusQuotaRead(...args: Array<string | number>): Result<string[], Context>;
    plexusQuotaSeed(...args: Array<string | number>): Result<number, Context>;
  }
}

/** Key names may hold anything but `*`; glob and separator characters are escaped too. */
function encode(part: string): string {
  return encodeURIComponent(part).replaceAll('*', '%2A');
}

/** The 5 per-bucket arguments both scripts share: limit type, mode, limit, duration or window start, window end. */
function windowArgs(bucket: BucketSpec): Array<string | number> {
  const { window } = bucket;
  return window.kind === 'leak'
    ? [bucket.limitType, 'l', String(bucket.limit), window.durationMs, 0]
    : [bucket.limitType, 'c', String(bucket.limit), window.start, window.end];
}

/**
 * Buckets in Redis, shared by every replica: one Lua script checks and reserves all of a
 * key's buckets and its in-flight slot atomically, one settles. In-flight slots are
 * leases (a sorted set scored by expiry), so a replica that dies mid-request frees its
 * slots once their lease runs out.
 */
export class RedisQuotaStore implements QuotaStore {
  readonly kind = 'redis' as const;
  private readonly logger = new Logger(RedisQuotaStore.name);
  private readonly client: Redis;
  private closed = false;

  /**
   * @param url redis:// or rediss:// URL.
   * @param prefix Prepended to every key, so deployments (or tests) can share one server.
   */
  constructor(
    url: string,
    private readonly prefix = 'plexus:',
  ) {
    let lastError = '';
    this.client = new Redis(url, {
      maxRetriesPerRequest: 3,
      connectTimeout: 5000,
      disconnectTimeout: 500,
      retryStrategy: (times) => (this.closed ? null : Math.min(times * 200, 5000)),
    });
    this.client.on('error', (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn(`redis (quotas): ${error.message}`);
    });
    this.client.on('ready', () => {
      lastError = '';
    });
    this.client.defineCommand('plexusQuotaAdmit', { lua: ADMIT_SCRIPT });
    this.client.defineCommand('plexusQuotaSettle', { lua: SETTLE_SCRIPT });
    this.client.defineCommand('plexusQuotaRead', { lua: READ_SCRIPT });
    this.client.defineCommand('plexusQuotaSeed', { lua: SEED_SCRIPT, numberOfKeys: 1 });
  }

  bucketKey(bucketKey: string, quotaName: string): string {
    return `${this.prefix}quota:${encode(bucketKey)}:${encode(quotaName)}`;
  }

  inFlightKey(keyName: string): string {
    return `${this.prefix}quota-inflight:${encode(keyName)}`;
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { buckets, concurrency } = input;
    const keys = buckets.map((bucket) => this.bucketKey(bucket.bucketKey, bucket.quotaName));
    if (concurrency) keys.push(this.inFlightKey(concurrency.keyName));
    const args = [
      input.now,
      input.reservationId,
      concurrency?.leaseUntil ?? 0,
      concurrency?.max ?? 0,
      buckets.length,
      ...buckets.flatMap((bucket) => [...windowArgs(bucket), String(bucket.amount), bucket.unit]),
    ];
    const reply = await this.client.plexusQuotaAdmit(keys.length, ...keys, ...args);
    const n = buckets.length;
    const usages = reply.slice(3, 3 + n).map(Number);
    const inFlight = Number(reply[2]);
    if (Number(reply[0]) === 1) {
      const times = reply.slice(3 + n, 3 + 2 * n).map(Number);
      const versions = reply.slice(3 + 2 * n, 3 + 3 * n).map(Number);
      const writes = usages.map((usage, index) => ({ usage, updatedAt: times[index], version: versions[index] }));
      return { ok: true, usages, writes, inFlight };
    }
    return {
      ok: false,
      usages,
      blocked: reply.slice(3 + n).map(Number),
      concurrencyBlocked: Number(reply[1]) === 1,
      inFlight,
    };
  }

  async settle(input: SettleInput): Promise<Array<BucketWrite | null>> {
    const keys = input.buckets.map((bucket) => this.bucketKey(bucket.bucketKey, bucket.quotaName));
    if (input.concurrencyKey !== undefined) keys.push(this.inFlightKey(input.concurrencyKey));
    const args = [
      input.now,
      input.reservationId,
      input.concurrencyKey === undefined ? 0 : 1,
      input.buckets.length,
      ...input.buckets.flatMap((bucket) => [
        ...windowArgs(bucket),
        String(bucket.delta),
        bucket.reservedWindowStart ?? 0,
      ]),
    ];
    const reply = await this.client.plexusQuotaSettle(keys.length, ...keys, ...args);
    return input.buckets.map((_, index) => {
      const [usage, updatedAt, version] = reply.slice(index * 3, index * 3 + 3);
      return usage === '' || usage === undefined
        ? null
        : { usage: Number(usage), updatedAt: Number(updatedAt), version: Number(version) };
    });
  }

  async read(buckets: BucketSpec[], now: number): Promise<number[]> {
    if (buckets.length === 0) return [];
    const keys = buckets.map((bucket) => this.bucketKey(bucket.bucketKey, bucket.quotaName));
    const args = [now, buckets.length, ...buckets.flatMap((bucket) => [...windowArgs(bucket), 0, 0])];
    const reply = await this.client.plexusQuotaRead(keys.length, ...keys, ...args);
    return reply.map(Number);
  }

  async inFlight(keyName: string, now: number): Promise<number> {
    return this.client.zcount(this.inFlightKey(keyName), now, '+inf');
  }

  async renewLeases(leases: Array<{ keyName: string; reservationId: string }>, leaseUntil: number): Promise<void> {
    if (leases.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const lease of leases) {
      const key = this.inFlightKey(lease.keyName);
      // XX: a slot already settled (or cleared) is not brought back.
      pipeline.zadd(key, 'XX', leaseUntil, lease.reservationId);
      pipeline.pexpire(key, Math.max(1000, leaseUntil - Date.now() + 60_000));
    }
    await pipeline.exec();
  }

  async clear(buckets: Array<{ bucketKey: string; quotaName: string }>): Promise<void> {
    if (buckets.length === 0) return;
    await this.client.del(...buckets.map((bucket) => this.bucketKey(bucket.bucketKey, bucket.quotaName)));
  }

  async forget(quotaName: string): Promise<void> {
    const pattern = `${this.prefix}quota:*:${encode(quotaName)}`;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.client.del(...keys);
    } while (cursor !== '0');
  }

  async seed(records: QuotaStateRecord[], now: number): Promise<void> {
    const pipeline = this.client.pipeline();
    let count = 0;
    for (const record of records) {
      // A calendar row expires with its window (we don't know it here: a day is the shortest); a leaky one once it could have drained.
      const ttl = Math.max(
        60_000,
        (record.windowStart === null ? record.lastUpdated + 31 * 86_400_000 : record.windowStart + 32 * 86_400_000) -
          now,
      );
      pipeline.plexusQuotaSeed(
        this.bucketKey(record.bucketKey, record.quotaName),
        String(record.currentUsage),
        String(record.lastUpdated),
        String(record.windowStart ?? 0),
        record.limitType,
        ttl,
        String(record.version),
      );
      count++;
    }
    if (count > 0) await pipeline.exec();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    const timer = setTimeout(() => this.client.disconnect(), 2000);
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    } finally {
      clearTimeout(timer);
    }
  }
}
