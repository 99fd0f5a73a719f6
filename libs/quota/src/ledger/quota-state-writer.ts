import { Logger } from '@nestjs/common';
import type { QuotaStateRecord, QuotaStateRepository } from '@plexus/persistence';

const RETRY_WRITE_MS = 5000;

function keyOf(bucketKey: string, quotaName: string): string {
  return `${bucketKey}\u0000${quotaName}`;
}

/**
 * Writes bucket states to `quota_state` behind the ledger, never on a request's path:
 * changes coalesce per bucket (the latest wins) and go out in multi-row upserts, one
 * write at a time; a failed write is retried.
 */
export class QuotaStateWriter {
  private readonly logger = new Logger(QuotaStateWriter.name);
  private readonly pending = new Map<string, QuotaStateRecord>();
  private writeQueued = false;
  private chain: Promise<unknown> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(private readonly repository: QuotaStateRepository) {}

  get size(): number {
    return this.pending.size;
  }

  write(record: QuotaStateRecord): void {
    const key = keyOf(record.bucketKey, record.quotaName);
    const held = this.pending.get(key);
    if (
      held &&
      (held.lastUpdated > record.lastUpdated ||
        (held.lastUpdated === record.lastUpdated && held.version > record.version))
    )
      return;
    this.pending.set(key, record);
    if (this.writeQueued) return;
    this.writeQueued = true;
    void this.enqueue(() => this.writePending());
  }

  /** Drops unwritten changes of the buckets, then deletes their rows. */
  async clear(buckets: Array<{ bucketKey: string; quotaName: string }>): Promise<void> {
    for (const bucket of buckets) this.pending.delete(keyOf(bucket.bucketKey, bucket.quotaName));
    await this.enqueue(async () => {
      for (const bucket of buckets) await this.repository.deleteBucket(bucket.bucketKey, bucket.quotaName);
    });
  }

  /** Drops unwritten changes of one quota definition, then deletes its rows. */
  async forget(quotaName: string): Promise<void> {
    for (const [key, record] of this.pending) if (record.quotaName === quotaName) this.pending.delete(key);
    await this.enqueue(async () => {
      await this.repository.deleteQuota(quotaName);
    });
  }

  /** Resolves once every change made so far is written (or failed and is kept for later). */
  flush(): Promise<void> {
    return this.enqueue(() => this.writePending());
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private enqueue(write: () => Promise<void>): Promise<void> {
    const result = this.chain.then(write);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async writePending(): Promise<void> {
    this.writeQueued = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    try {
      await this.repository.upsertMany(batch);
      this.failing = false;
    } catch (error) {
      for (const record of batch) {
        const key = keyOf(record.bucketKey, record.quotaName);
        // A newer change to the same bucket supersedes the failed one.
        if (!this.pending.has(key)) this.pending.set(key, record);
      }
      if (!this.failing) this.logger.warn(`could not write quota state: ${(error as Error).message}; retrying`);
      this.failing = true;
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = null;
        if (this.pending.size > 0 && !this.writeQueued) {
          this.writeQueued = true;
          void this.enqueue(() => this.writePending());
        }
      }, RETRY_WRITE_MS);
      this.retryTimer.unref();
    }
  }
}
