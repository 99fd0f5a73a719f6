import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { McpUsageRepository, type McpUsageRow } from '@plexus/persistence';
import { Counter, Histogram, Registry } from 'prom-client';

const BATCH_SIZE = 200;
const FLUSH_MS = 500;
/** Rows kept while the database can't take them; beyond, the oldest are dropped (and counted in the log). */
const MAX_BUFFERED = 10_000;

/**
 * Writes `mcp_request_usage` rows in batches off the request path (as the usage recorder
 * does for inference), and counts MCP requests for Prometheus.
 */
@Injectable()
export class McpUsageRecorder implements OnApplicationShutdown {
  private readonly logger = new Logger(McpUsageRecorder.name);
  private buffer: McpUsageRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly requests = new Counter({
    name: 'plexus_mcp_requests_total',
    help: 'Requests through the MCP proxy, by server, HTTP method, JSON-RPC method and HTTP status',
    labelNames: ['server', 'method', 'jsonrpc_method', 'status'],
    registers: [],
  });
  private readonly duration = new Histogram({
    name: 'plexus_mcp_request_duration_seconds',
    help: 'Duration of requests through the MCP proxy (streams: until they end)',
    labelNames: ['server', 'method'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [],
  });

  constructor(private readonly repository: McpUsageRepository) {}

  /** Adds the MCP counters to the registry the gateway's /metrics serves. */
  exposeMetricsIn(registry: Registry): void {
    registry.registerMetric(this.requests);
    registry.registerMetric(this.duration);
  }

  record(row: McpUsageRow): void {
    this.requests.inc({
      server: row.serverName,
      method: row.method,
      jsonrpc_method: row.jsonrpcMethod ?? '',
      status: String(row.responseStatus),
    });
    this.duration.observe({ server: row.serverName, method: row.method }, row.durationMs / 1000);
    this.buffer.push(row);
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, dropped);
      this.logger.warn(`dropped ${dropped} MCP usage rows the database could not take`);
    }
    if (this.buffer.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered (tests and shutdown wait for it). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, BATCH_SIZE);
        try {
          await this.repository.insertMany(batch);
        } catch (error) {
          this.logger.error(`writing ${batch.length} MCP usage rows failed: ${(error as Error).message}`);
          return;
        }
      }
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
