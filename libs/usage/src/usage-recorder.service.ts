import { Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Environment } from '@plexus/config';
import { UsageRepository, type AttemptRecord, type UsageRow } from '@plexus/persistence';
import { RequestEventBus } from './events/request-event-bus';
import { GatewayMetrics } from './gateway-metrics.service';
import { InFlightRegistry, type InFlightRequest } from './in-flight-registry';

/** One request's usage row, as the usage lib records it. */
export type UsageRecord = UsageRow;
export type { AttemptRecord };

export interface UsageRecorderOptions {
  flushIntervalMs: number;
  batchSize: number;
  /** Rows held while the database is unreachable; beyond it the oldest are dropped and counted. */
  maxBuffered: number;
}

export const DEFAULT_USAGE_RECORDER_OPTIONS: UsageRecorderOptions = {
  flushIntervalMs: 500,
  batchSize: 500,
  maxBuffered: 100_000,
};

/**
 * Usage rows leave the request's path at once: they are buffered and written in
 * multi-row inserts. A failed write keeps its rows for the next flush.
 */
@Injectable()
export class UsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private buffer: UsageRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private droppedCount = 0;
  private readonly options: UsageRecorderOptions = DEFAULT_USAGE_RECORDER_OPTIONS;
  /** False with USAGE_RECORDING=false, to measure what recording costs. */
  private readonly writing: boolean;

  constructor(
    private readonly repository: UsageRepository,
    private readonly metrics: GatewayMetrics,
    private readonly events: RequestEventBus,
    private readonly inFlight: InFlightRegistry,
    @Optional() env?: Environment,
  ) {
    this.writing = env?.USAGE_RECORDING ?? true;
    if (!this.writing)
      this.logger.warn('USAGE_RECORDING=false: usage rows are not written (metrics and events still are)');
    metrics.gauge('plexus_usage_buffer_depth', 'Usage records waiting to be written', () => this.buffer.length);
    metrics.gauge(
      'plexus_usage_dropped_total',
      'Usage records dropped because the buffer was full',
      () => this.droppedCount,
    );
  }

  /** A request entered the pipeline; `record` ends it. Described, it counts in the in-flight registry. */
  started(request?: InFlightRequest): void {
    this.metrics.requestStarted();
    if (request) this.inFlight.started(request);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  record(row: UsageRecord): void {
    this.metrics.requestFinished(row);
    this.inFlight.finished(row.requestId);
    this.events.emit({ type: 'request.completed', apiKey: row.apiKey, record: row });
    if (!this.writing) return;
    this.buffer.push(row);
    if (this.buffer.length > this.options.maxBuffered) {
      const excess = this.buffer.length - this.options.maxBuffered;
      this.buffer.splice(0, excess);
      this.droppedCount += excess;
      this.logger.error(`usage buffer full: dropped ${excess} oldest rows (${this.droppedCount} in all)`);
    }
    if (this.buffer.length >= this.options.batchSize) void this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Writes everything buffered; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.buffer.length > 0) this.logger.error(`${this.buffer.length} usage rows could not be written at shutdown`);
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      try {
        await this.repository.insertMany(batch);
      } catch (error) {
        this.buffer.unshift(...batch);
        this.logger.warn(`usage write failed, ${this.buffer.length} rows kept for retry: ${(error as Error).message}`);
        return;
      }
    }
  }
}
