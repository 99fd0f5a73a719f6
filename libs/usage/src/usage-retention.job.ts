import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Environment } from '@plexus/config';
import { UsageRepository } from '@plexus/persistence';

const BATCH_SIZE = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Prunes usage records past USAGE_RETENTION_DAYS, hourly, in bounded batches. */
@Injectable()
export class UsageRetentionJob {
  private readonly logger = new Logger(UsageRetentionJob.name);

  constructor(
    private readonly usage: UsageRepository,
    private readonly env: Environment,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async prune(now = new Date()): Promise<number> {
    if (this.env.USAGE_RETENTION_DAYS === 0) return 0;
    const cutoff = new Date(now.getTime() - this.env.USAGE_RETENTION_DAYS * DAY_MS);
    let removed = 0;
    for (;;) {
      const batch = await this.usage.deleteBatchOlderThan(cutoff, BATCH_SIZE);
      removed += batch;
      if (batch < BATCH_SIZE) break;
    }
    if (removed > 0) this.logger.log(`pruned ${removed} usage records older than ${cutoff.toISOString()}`);
    return removed;
  }
}
