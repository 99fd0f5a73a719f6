import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UsageRecord } from './usage-recorder.service';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/**
 * Prometheus metrics of the gateway, fed from each finished request's usage record (so
 * they cost nothing on the request's path). Labels name formats, providers, models and
 * aliases, never API keys: a scrape endpoint must not enumerate who uses the gateway.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'plexus_requests_total',
    help: 'Inference requests by client format, provider, model and outcome',
    labelNames: ['api_type', 'provider', 'model', 'status'],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'plexus_tokens_total',
    help: 'Tokens by provider, model and kind (input, output, cached, cache_write, reasoning)',
    labelNames: ['provider', 'model', 'kind'],
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'plexus_cost_usd_total',
    help: 'Spend in USD by provider and model',
    labelNames: ['provider', 'model'],
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'plexus_upstream_failures_total',
    help: 'Failed upstream attempts (including ones a failover recovered), by provider and model',
    labelNames: ['provider', 'model'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'plexus_request_duration_seconds',
    help: 'Total request duration',
    labelNames: ['api_type', 'provider'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'plexus_ttft_seconds',
    help: 'Time to the first answer chunk',
    labelNames: ['api_type', 'provider'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: 'plexus_in_flight',
    help: 'Inference requests being served',
    registers: [this.registry],
  });

  /**
   * Label children by their label values: prom-client hashes the label object on every
   * `inc`/`observe`, a child is looked up once per label combination. Bounded by the
   * configured providers, models and formats.
   */
  private readonly children = new Map<object, Map<string, unknown>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'plexus_process_' });
  }

  private child<C>(metric: { labels(...values: string[]): C }, ...values: string[]): C {
    let byValues = this.children.get(metric);
    if (!byValues) {
      byValues = new Map();
      this.children.set(metric, byValues);
    }
    const key = values.join('\u0000');
    let child = byValues.get(key) as C | undefined;
    if (child === undefined) {
      child = metric.labels(...values);
      byValues.set(key, child);
    }
    return child;
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  requestFinished(record: UsageRecord): void {
    this.inFlight.dec();
    const provider = record.provider ?? 'none';
    const model = record.selectedModelName ?? 'none';
    this.child(this.requests, record.incomingApiType, provider, model, record.responseStatus).inc();
    const kinds: Array<[string, number]> = [
      ['input', record.tokensInput],
      ['output', record.tokensOutput],
      ['cached', record.tokensCached],
      ['cache_write', record.tokensCacheWrite],
      ['reasoning', record.tokensReasoning],
    ];
    for (const [kind, count] of kinds) if (count > 0) this.child(this.tokens, provider, model, kind).inc(count);
    if (record.costTotal > 0) this.child(this.cost, provider, model).inc(record.costTotal);
    for (const attempt of record.retryHistory) {
      if (attempt.status === 'failed') this.child(this.attempts, attempt.provider, attempt.model).inc();
    }
    if (record.durationMs !== null)
      this.child(this.duration, record.incomingApiType, provider).observe(record.durationMs / 1000);
    if (record.ttftMs !== null) this.child(this.ttft, record.incomingApiType, provider).observe(record.ttftMs / 1000);
  }

  /** A gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** A counter whose running total is read at scrape time (the source only ever grows). */
  counter(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
