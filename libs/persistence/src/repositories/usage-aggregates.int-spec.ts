import { createTestDatabase } from '@plexus/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { UsageRepository, type UsageRow } from './usage.repository';

const BACKENDS = [
  {
    name: 'PostgreSQL server',
    async open(): Promise<{ url: string; poolSize: number; close(): Promise<void> }> {
      const database = await createTestDatabase();
      return { url: database.url, poolSize: 2, close: () => database.drop() };
    },
  },
  {
    name: 'embedded PostgreSQL',
    async open(): Promise<{ url: string; poolSize: number; close(): Promise<void> }> {
      const embedded = await EmbeddedPostgres.start();
      return { url: embedded.url, poolSize: 1, close: () => embedded.stop() };
    },
  },
];

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function row(overrides: Partial<UsageRow>): UsageRow {
  return {
    requestId: randomUUID(),
    clientRequestId: null,
    startTime: new Date(T0),
    apiKey: 'team',
    attribution: null,
    sourceIp: null,
    incomingApiType: 'chat',
    outgoingApiType: 'chat',
    incomingModelAlias: 'fast',
    provider: 'openai',
    selectedModelName: 'gpt-4o',
    isStreamed: true,
    isPassthrough: true,
    responseStatus: 'success',
    httpStatus: 200,
    tokensInput: 10,
    tokensOutput: 5,
    tokensReasoning: 1,
    tokensCached: 2,
    tokensCacheWrite: 3,
    providerReportedCost: null,
    costInput: 0,
    costOutput: 0,
    costCached: 0,
    costCacheWrite: 0,
    costTotal: 0.001,
    costSource: 'simple',
    durationMs: 100,
    ttftMs: 10,
    tokensPerSec: null,
    attemptCount: 1,
    retryHistory: [],
    finishReason: 'stop',
    errorMessage: null,
    clientDisconnected: false,
    ...overrides,
  };
}

describe.each(BACKENDS)('usage aggregates on $name (percentile_cont, breakdowns, minute buckets)', (backend) => {
  let close: () => Promise<void>;
  let dataSource: DataSource;
  let usage: UsageRepository;

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    dataSource = new DataSource(dataSourceOptions({ url: opened.url, poolSize: opened.poolSize }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    usage = new UsageRepository(dataSource);
    // 100 requests in the first minute: durations 10..1000 ms, TTFT 1..100 ms, the 10 slowest failed;
    // key `team` used as `team:cursor` 30 times and as `team:cli` 20 times.
    const first = Array.from({ length: 100 }, (_, i) =>
      row({
        startTime: new Date(T0 + i * 100),
        durationMs: (i + 1) * 10,
        ttftMs: i + 1,
        ...(i < 30 && { attribution: 'cursor' }),
        ...(i >= 30 && i < 50 && { attribution: 'cli' }),
        ...(i >= 90 && { responseStatus: 'error', apiKey: 'ci', incomingModelAlias: 'slow' }),
      }),
    );
    // The next minute: two requests to another provider, one never measured (refused before routing).
    const second = [
      row({
        startTime: new Date(T0 + 60_000),
        provider: 'anthropic',
        selectedModelName: 'claude-sonnet-4',
        durationMs: 400,
        ttftMs: null,
        costTotal: 0.01,
      }),
      row({
        startTime: new Date(T0 + 61_000),
        provider: null,
        selectedModelName: null,
        incomingModelAlias: null,
        durationMs: null,
        ttftMs: null,
        responseStatus: 'error',
        costTotal: 0,
      }),
    ];
    await usage.insertMany([...first, ...second]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await close?.();
  });

  const window = { from: new Date(T0), to: new Date(T0 + 3_600_000) };

  it('computes continuous duration and TTFT percentiles of the successful requests per minute bucket', async () => {
    const buckets = await usage.buckets({ ...window, bucket: 'minute' });
    expect(buckets.map((bucket) => [bucket.bucketStartMs, bucket.requests, bucket.errors])).toEqual([
      [T0, 100, 10],
      [T0 + 60_000, 2, 1],
    ]);
    // The 90 successes: durations 10..900 ms, TTFT 1..90 ms.
    expect(buckets[0].latency).toMatchObject({
      p50DurationMs: 455,
      p95DurationMs: 855.5,
      p99DurationMs: 891.1,
      p50TtftMs: 45.5,
      p99TtftMs: 89.1,
    });
    expect(buckets[0].latency.p95TtftMs).toBeCloseTo(85.55, 0);
    // Only one request measured a duration, none a TTFT.
    expect(buckets[1].latency).toEqual({
      p50DurationMs: 400,
      p95DurationMs: 400,
      p99DurationMs: 400,
      p50TtftMs: null,
      p95TtftMs: null,
      p99TtftMs: null,
    });
  });

  it('totals a window in one row, and an empty one as zeros', async () => {
    const totals = await usage.totals(window);
    expect(totals).toMatchObject({
      requests: 102,
      errors: 11,
      inputTokens: 1020,
      cachedTokens: 204,
      cacheWriteTokens: 306,
      reasoningTokens: 102,
    });
    expect(totals.costUsd).toBeCloseTo(0.11, 9);
    const empty = await usage.totals({ from: new Date(0), to: new Date(1000) });
    expect(empty).toMatchObject({ requests: 0, costUsd: 0, latency: { p50DurationMs: null, p99TtftMs: null } });
  });

  it('breaks usage down by alias, provider, key and provider model, most requests first, scoped to a key', async () => {
    const byAlias = await usage.breakdown({ ...window, by: 'alias', limit: 10 });
    expect(byAlias.map((entry) => [entry.key, entry.requests, entry.errors])).toEqual([
      ['fast', 91, 0],
      ['slow', 10, 10],
      [null, 1, 1],
    ]);
    // Every request of `slow` failed: no latency percentiles.
    expect(byAlias[1].latency).toMatchObject({ p50DurationMs: null, p50TtftMs: null });
    const models = await usage.breakdown({ ...window, by: 'model', limit: 2 });
    expect(models.map((entry) => [entry.provider, entry.key, entry.requests])).toEqual([
      ['openai', 'gpt-4o', 100],
      ['anthropic', 'claude-sonnet-4', 1],
    ]);
    const byKey = await usage.breakdown({ ...window, by: 'key', limit: 10, apiKey: 'ci' });
    expect(byKey.map((entry) => [entry.key, entry.requests])).toEqual([['ci', 10]]);
    const byProvider = await usage.breakdown({ ...window, by: 'provider', limit: 10 });
    expect(byProvider.map((entry) => entry.key)).toEqual(['openai', 'anthropic', null]);
  });

  it('breaks a key down by attribution (its `:label` suffix), requests without one as null', async () => {
    const rows = await usage.breakdown({ ...window, by: 'attribution', limit: 10 });
    expect(rows.map((entry) => [entry.key, entry.attribution, entry.requests, entry.inputTokens])).toEqual([
      ['team', null, 42, 420],
      ['team', 'cursor', 30, 300],
      ['team', 'cli', 20, 200],
      ['ci', null, 10, 100],
    ]);
    expect(rows[2].costUsd).toBeCloseTo(0.02, 9);
    const scoped = await usage.breakdown({ ...window, by: 'attribution', limit: 10, apiKey: 'ci' });
    expect(scoped.map((entry) => [entry.key, entry.attribution])).toEqual([['ci', null]]);
  });

  it('never reports a TTFT percentile above the duration one when fast refusals outnumber the streams', async () => {
    const day = T0 + 86_400_000;
    const streams = Array.from({ length: 5 }, (_, i) =>
      row({ startTime: new Date(day + i), durationMs: 1000, ttftMs: 200 }),
    );
    const refusals = Array.from({ length: 10 }, (_, i) =>
      row({
        startTime: new Date(day + 10 + i),
        durationMs: 1,
        ttftMs: null,
        responseStatus: 'error',
        httpStatus: 400,
        provider: null,
      }),
    );
    await usage.insertMany([...streams, ...refusals]);
    const totals = await usage.totals({ from: new Date(day), to: new Date(day + 60_000) });
    expect(totals).toMatchObject({ requests: 15, errors: 10 });
    expect(totals.latency).toMatchObject({ p50DurationMs: 1000, p50TtftMs: 200 });
  });
});
