import { dataSourceOptions, UsageRepository, type UsageRow } from '@plexus/persistence';
import { createTestDatabase, type TestDatabase } from '@plexus/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RequestEventBus } from './events/request-event-bus';
import { GatewayMetrics } from './gateway-metrics.service';
import { InFlightRegistry } from './in-flight-registry';
import { UsageRecorder } from './usage-recorder.service';
import { UsageRetentionJob } from './usage-retention.job';
import { loadEnvironment } from '@plexus/config';

function row(): UsageRow {
  return {
    requestId: randomUUID(),
    clientRequestId: null,
    startTime: new Date(),
    apiKey: 'k',
    attribution: null,
    sourceIp: null,
    incomingApiType: 'chat',
    outgoingApiType: 'chat',
    incomingModelAlias: 'a',
    provider: 'p',
    selectedModelName: 'm',
    isStreamed: true,
    isPassthrough: true,
    responseStatus: 'success',
    httpStatus: 200,
    tokensInput: 1,
    tokensOutput: 2,
    tokensReasoning: 0,
    tokensCached: 0,
    tokensCacheWrite: 0,
    providerReportedCost: null,
    costInput: 0,
    costOutput: 0,
    costCached: 0,
    costCacheWrite: 0,
    costTotal: 0,
    costSource: null,
    durationMs: 3,
    ttftMs: 1,
    tokensPerSec: null,
    attemptCount: 1,
    retryHistory: [],
    finishReason: 'stop',
    errorMessage: null,
    clientDisconnected: false,
  };
}

describe('UsageRecorder against PostgreSQL', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let recorder: UsageRecorder;

  const count = async (): Promise<number> =>
    Number((await dataSource.query<Array<{ n: string }>>('SELECT count(*) AS n FROM request_usage'))[0]?.n);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: database.url, poolSize: 2 }));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  beforeEach(() => {
    const metrics = new GatewayMetrics();
    recorder = new UsageRecorder(
      new UsageRepository(dataSource),
      metrics,
      new RequestEventBus(metrics),
      new InFlightRegistry(),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('writes buffered rows in batches on flush and at shutdown', async () => {
    for (let i = 0; i < 1200; i++) recorder.record(row());
    await recorder.flush();
    recorder.record(row());
    await recorder.beforeApplicationShutdown();
    expect(await count()).toBe(1201);
    expect(recorder.pending).toBe(0);
    expect(recorder.dropped).toBe(0);
  });

  it('keeps rows while the table cannot be written, and writes them when it can again', async () => {
    await dataSource.query('DELETE FROM request_usage');
    await dataSource.query('ALTER TABLE request_usage RENAME TO request_usage_away');
    try {
      for (let i = 0; i < 10; i++) recorder.record(row());
      await recorder.flush();
      expect(recorder.pending).toBe(10);
    } finally {
      await dataSource.query('ALTER TABLE request_usage_away RENAME TO request_usage');
    }
    await recorder.flush();
    expect(recorder.pending).toBe(0);
    expect(await count()).toBe(10);
  });

  it('prunes records past the retention age in batches, and keeps recent ones', async () => {
    await dataSource.query('DELETE FROM request_usage');
    const old = new Date(Date.now() - 100 * 24 * 60 * 60 * 1000);
    for (let i = 0; i < 6000; i++) recorder.record({ ...row(), startTime: old });
    for (let i = 0; i < 3; i++) recorder.record(row());
    await recorder.flush();
    const job = new UsageRetentionJob(
      new UsageRepository(dataSource),
      loadEnvironment({ ADMIN_KEY: 'a', USAGE_RETENTION_DAYS: '30' }),
    );
    expect(await job.prune()).toBe(6000);
    expect(await count()).toBe(3);
    const keepForever = new UsageRetentionJob(
      new UsageRepository(dataSource),
      loadEnvironment({ ADMIN_KEY: 'a', USAGE_RETENTION_DAYS: '0' }),
    );
    expect(await keepForever.prune(new Date(Date.now() + 365 * 24 * 60 * 60 * 1000))).toBe(0);
  });
});
