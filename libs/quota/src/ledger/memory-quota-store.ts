import type { QuotaStateRecord } from '@plexus/persistence';
import { currentUsage, isExhausted, type BucketState } from '../window/quota-window';
import type { AdmitInput, AdmitOutcome, BucketSpec, BucketWrite, QuotaStore, SettleInput } from './quota-store';

type MemoryBucket = BucketState & { version: number };

function keyOf(bucketKey: string, quotaName: string): string {
  return `${bucketKey}\u0000${quotaName}`;
}

/**
 * Buckets in this process's memory. Every operation is synchronous, so a check and its
 * reservation can't interleave with another request's: exact on a single replica.
 */
export class MemoryQuotaStore implements QuotaStore {
  readonly kind = 'memory' as const;
  private readonly buckets = new Map<string, MemoryBucket>();
  private readonly inFlightByKey = new Map<string, Set<string>>();

  admit(input: AdmitInput): Promise<AdmitOutcome> {
    return Promise.resolve(this.admitNow(input));
  }

  admitNow(input: AdmitInput): AdmitOutcome {
    const usages = input.buckets.map((bucket) => this.usageOf(bucket, input.now));
    const blocked = input.buckets.flatMap((bucket, index) =>
      isExhausted(usages[index], bucket.limit, bucket.unit) ? [index] : [],
    );
    const slots = input.concurrency ? this.inFlightByKey.get(input.concurrency.keyName) : undefined;
    const inFlight = slots?.size ?? 0;
    const concurrencyBlocked = input.concurrency !== undefined && inFlight >= input.concurrency.max;
    if (blocked.length > 0 || concurrencyBlocked) return { ok: false, usages, blocked, concurrencyBlocked, inFlight };
    const writes = input.buckets.map((bucket, index) => this.write(bucket, usages[index] + bucket.amount, input.now));
    if (input.concurrency) {
      const set = slots ?? new Set<string>();
      set.add(input.reservationId);
      this.inFlightByKey.set(input.concurrency.keyName, set);
    }
    return {
      ok: true,
      usages: writes.map((write) => write.usage),
      writes,
      inFlight: inFlight + (input.concurrency ? 1 : 0),
    };
  }

  settle(input: SettleInput): Promise<Array<BucketWrite | null>> {
    const result = input.buckets.map((bucket) => {
      const state = this.buckets.get(keyOf(bucket.bucketKey, bucket.quotaName));
      if (state && state.limitType !== bucket.limitType) return null;
      if (bucket.window.kind === 'calendar' && bucket.reservedWindowStart !== bucket.window.start) return null;
      if (bucket.delta === 0) return null;
      return this.write(bucket, Math.max(0, this.usageOf(bucket, input.now) + bucket.delta), input.now);
    });
    if (input.concurrencyKey !== undefined) {
      const slots = this.inFlightByKey.get(input.concurrencyKey);
      slots?.delete(input.reservationId);
      if (slots?.size === 0) this.inFlightByKey.delete(input.concurrencyKey);
    }
    return Promise.resolve(result);
  }

  read(buckets: BucketSpec[], now: number): Promise<number[]> {
    return Promise.resolve(buckets.map((bucket) => this.usageOf(bucket, now)));
  }

  inFlight(keyName: string): Promise<number> {
    return Promise.resolve(this.inFlightByKey.get(keyName)?.size ?? 0);
  }

  renewLeases(): Promise<void> {
    // A process's own memory dies with it: nothing to keep alive.
    return Promise.resolve();
  }

  clear(buckets: Array<{ bucketKey: string; quotaName: string }>): Promise<void> {
    for (const bucket of buckets) this.buckets.delete(keyOf(bucket.bucketKey, bucket.quotaName));
    return Promise.resolve();
  }

  forget(quotaName: string): Promise<void> {
    for (const key of this.buckets.keys()) if (key.endsWith(`\u0000${quotaName}`)) this.buckets.delete(key);
    return Promise.resolve();
  }

  seed(records: QuotaStateRecord[]): Promise<void> {
    for (const record of records) {
      const key = keyOf(record.bucketKey, record.quotaName);
      const held = this.buckets.get(key);
      if (held && held.updatedAt >= record.lastUpdated) continue;
      this.buckets.set(key, {
        usage: record.currentUsage,
        updatedAt: record.lastUpdated,
        windowStart: record.windowStart,
        limitType: record.limitType,
        version: record.version,
      });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private usageOf(bucket: BucketSpec, now: number): number {
    const state = this.buckets.get(keyOf(bucket.bucketKey, bucket.quotaName));
    return currentUsage(state, { limitType: bucket.limitType, limit: bucket.limit, window: bucket.window, now });
  }

  private write(bucket: BucketSpec, usage: number, now: number): BucketWrite {
    const key = keyOf(bucket.bucketKey, bucket.quotaName);
    const previous = this.buckets.get(key);
    const updatedAt = Math.max(now, previous?.updatedAt ?? 0);
    const version = (previous?.version ?? 0) + 1;
    this.buckets.set(key, {
      usage,
      updatedAt,
      windowStart: bucket.window.kind === 'calendar' ? bucket.window.start : null,
      limitType: bucket.limitType,
      version,
    });
    return { usage, updatedAt, version };
  }
}
