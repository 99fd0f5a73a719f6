import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection';
import { PerformanceStats, type PerformanceSample } from './performance-stats.service';

const CHANNEL = 'performance-samples';
/** Samples are sent in batches: one message per replica at most this often. */
const FLUSH_MS = 200;
const MAX_BATCH = 500;

interface SampleBatch {
  origin: string;
  samples: PerformanceSample[];
}

/**
 * With REDIS_URL, every replica publishes the performance samples it records and adds the
 * others' to its own statistics, so the latency/performance selectors of every replica rank
 * targets on the traffic of all of them. A lost batch only thins the statistics.
 */
@Injectable()
export class PerformanceSampleSharing implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PerformanceSampleSharing.name);
  private pending: PerformanceSample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly stats: PerformanceStats,
    private readonly redis: RedisConnection,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.redis.enabled) return;
    this.stats.onRecorded((sample) => this.queue(sample));
    await this.redis
      .subscribe(CHANNEL, (message) => this.receive(message))
      .catch((error: unknown) => {
        this.logger.warn(
          `performance samples of other replicas not seen until Redis answers: ${(error as Error).message}`,
        );
      });
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private queue(sample: PerformanceSample): void {
    if (this.pending.length >= MAX_BATCH) return;
    this.pending.push({ ...sample, at: sample.at ?? Date.now() });
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = null;
    const batch: SampleBatch = { origin: this.redis.instanceId, samples: this.pending };
    this.pending = [];
    this.redis.publish(CHANNEL, JSON.stringify(batch)).catch((error: unknown) => {
      this.logger.debug(`performance samples not shared: ${(error as Error).message}`);
    });
  }

  private receive(message: string): void {
    const batch = JSON.parse(message) as SampleBatch;
    if (batch.origin === this.redis.instanceId || !Array.isArray(batch.samples)) return;
    for (const sample of batch.samples) this.stats.recordShared(sample);
  }
}
