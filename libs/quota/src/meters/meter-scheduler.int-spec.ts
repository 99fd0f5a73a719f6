import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  dataSourceOptions,
  MeterSnapshotRepository,
  ProviderRepository,
  type ProviderRecord,
} from '@plexus/persistence';
import { createTestDatabase, ScriptedUpstream, type TestDatabase } from '@plexus/testing';
import { DataSource } from 'typeorm';
import { BUILT_IN_CHECKERS } from './checkers';
import { MeterScheduler } from './meter-scheduler.service';
import { MeterState } from './meter-state.service';

Logger.overrideLogger(false);

const SECRET = 'sk-synthetic-secret-123';

function syntheticProvider(upstream: ScriptedUpstream, checker: Record<string, unknown> = {}): ProviderRecord {
  return {
    slug: 'synth',
    displayName: 'Synthetic',
    apiBaseUrl: `${upstream.url}/v1`,
    apiKey: SECRET,
    enabled: true,
    settings: {
      quota_checker: {
        type: 'synthetic',
        intervalMinutes: 5,
        options: { endpoint: `${upstream.url}/v2/quotas` },
        ...checker,
      },
    },
    models: [],
  };
}

async function until<T>(read: () => T | null | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('MeterScheduler on PostgreSQL with a scripted upstream', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let upstream: ScriptedUpstream;
  let providers: ProviderRepository;
  let snapshots: MeterSnapshotRepository;
  const started: MeterScheduler[] = [];

  function start(): { scheduler: MeterScheduler; state: MeterState; registry: SchedulerRegistry } {
    const state = new MeterState();
    const registry = new SchedulerRegistry();
    const scheduler = new MeterScheduler(BUILT_IN_CHECKERS, state, providers, snapshots, registry);
    started.push(scheduler);
    return { scheduler, state, registry };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: database.url, poolSize: 4 }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    providers = new ProviderRepository(dataSource);
    snapshots = new MeterSnapshotRepository(dataSource);
    upstream = await ScriptedUpstream.start();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((scheduler) => scheduler.onModuleDestroy()));
    await dataSource.query('DELETE FROM meter_snapshots');
    await dataSource.query('DELETE FROM providers');
  });

  afterAll(async () => {
    await upstream.stop();
    await dataSource.destroy();
    await database.drop();
  });

  it('checks a configured provider at once, stores one row per meter and schedules it on its interval', async () => {
    const reset = new Date(Date.now() + 3_600_000);
    upstream.script(() => ({
      kind: 'json',
      body: {
        rollingFiveHourLimit: { max: 500, remaining: 0, nextTickAt: reset.toISOString() },
        search: { hourly: { limit: 250, requests: 10, renewsAt: reset.toISOString() } },
      },
    }));
    await providers.upsert(syntheticProvider(upstream));
    const { scheduler, state, registry } = start();
    await scheduler.sync();
    const result = await until(() => state.get('synth')?.result);
    expect(result).toMatchObject({ checkerId: 'synth', checkerType: 'synthetic', provider: 'synth', success: true });
    expect(result.meters.map((meter) => [meter.key, meter.status])).toEqual([
      ['rolling_5h', 'exhausted'],
      ['search_hourly', 'ok'],
    ]);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(registry.getIntervals()).toContain('quota-meter:synth');
    expect(state.get('synth')?.config.intervalMs).toBe(5 * 60_000);

    // The reading reaches routing first, the table right after.
    let history = await snapshots.history({ checkerId: 'synth' });
    for (let tries = 0; history.length < 2 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      history = await snapshots.history({ checkerId: 'synth' });
    }
    expect(
      history.map((row) => [
        row.meterKey,
        row.kind,
        row.limit,
        row.used,
        row.remaining,
        row.utilizationState,
        row.utilizationPercent,
        row.status,
        row.periodValue,
        row.periodUnit,
        row.periodCycle,
      ]),
    ).toEqual([
      ['rolling_5h', 'allowance', 500, 500, 0, 'reported', 100, 'exhausted', 5, 'hour', 'rolling'],
      ['search_hourly', 'allowance', 250, 10, 240, 'reported', 4, 'ok', 1, 'hour', 'fixed'],
    ]);
    expect(history[0]?.resetsAt?.toISOString()).toBe(reset.toISOString());
    expect(state.exhaustedUntil('synth', Date.now())).toBe(reset.getTime());
  }, 30_000);

  it('records a failing check (secrets masked) without throwing, and keeps the history queryable by meter and time', async () => {
    await providers.upsert(syntheticProvider(upstream));
    upstream.script(() => ({ kind: 'json', status: 401, body: { error: `invalid key ${SECRET}` } }));
    const { scheduler } = start();
    const failed = await scheduler.checkNow('synth');
    expect(failed).toMatchObject({ success: false, meters: [] });
    expect(failed?.error).toContain('HTTP 401');
    expect(failed?.error).not.toContain(SECRET);

    upstream.script(() => ({
      kind: 'json',
      body: { subscription: { limit: 100, requests: 20, renewsAt: new Date(Date.now() + 60_000).toISOString() } },
    }));
    const ok = await scheduler.checkNow('synth');
    expect(ok?.success).toBe(true);

    const all = await snapshots.history({ checkerId: 'synth' });
    expect(all.map((row) => [row.meterKey, row.success])).toEqual(
      expect.arrayContaining([
        ['_error', false],
        ['subscription', true],
      ]),
    );
    const errorRow = all.find((row) => row.meterKey === '_error');
    expect(errorRow?.errorMessage).toContain('***');
    expect(await snapshots.history({ checkerId: 'synth', meterKey: 'subscription' })).toHaveLength(1);
    expect(await snapshots.history({ checkerId: 'synth', since: new Date(Date.now() + 60_000) })).toHaveLength(0);
    expect(await scheduler.checkNow('nobody')).toBeUndefined();
  }, 30_000);

  it('restores the last reading after a restart, and drops a checker whose provider no longer has one', async () => {
    upstream.script(() => ({
      kind: 'json',
      body: { subscription: { limit: 100, requests: 100, renewsAt: new Date(Date.now() + 600_000).toISOString() } },
    }));
    await providers.upsert(syntheticProvider(upstream, { id: 'synth-main' }));
    const first = start();
    expect((await first.scheduler.checkNow('synth-main'))?.success).toBe(true);
    await first.scheduler.onModuleDestroy();

    // The next replica starts while the upstream is not answering: routing still knows the provider is spent.
    upstream.script(() => ({ kind: 'silent' }));
    const second = start();
    await second.scheduler.sync();
    expect(second.state.get('synth-main')?.result?.meters[0]).toMatchObject({
      key: 'subscription',
      status: 'exhausted',
    });
    expect(second.state.exhaustedUntil('synth', Date.now())).not.toBeNull();

    await providers.upsert({
      ...syntheticProvider(upstream),
      settings: { quota_checker: { type: 'synthetic', enabled: false } },
    });
    await second.scheduler.sync();
    expect(second.state.get('synth-main')).toBeUndefined();
    expect(second.registry.getIntervals()).not.toContain('quota-meter:synth-main');
  }, 30_000);

  it('reads an exhausted window again right after it resets, before the next interval', async () => {
    let calls = 0;
    const reset = new Date(Date.now() + 500);
    upstream.script(() => {
      calls += 1;
      const remaining = calls === 1 ? 0 : 100;
      return {
        kind: 'json',
        body: {
          rollingFiveHourLimit: {
            max: 100,
            remaining,
            nextTickAt: (calls === 1 ? reset : new Date(Date.now() + 3_600_000)).toISOString(),
          },
        },
      };
    });
    await providers.upsert(syntheticProvider(upstream));
    const { scheduler, state, registry } = start();
    await scheduler.sync();
    await until(() => state.get('synth')?.result);
    expect(state.get('synth')?.result?.meters[0]?.status).toBe('exhausted');
    expect(registry.getTimeouts()).toContain('quota-meter-reset:synth');
    await until(() => (state.get('synth')?.result?.meters[0]?.status === 'ok' ? true : null), 15_000);
    expect(calls).toBe(2);
    expect(registry.getTimeouts()).not.toContain('quota-meter-reset:synth');
  }, 30_000);

  it('a second replica takes a fresh reading the first one stored instead of calling the upstream again', async () => {
    upstream.script(() => ({ kind: 'json', body: { subscription: { limit: 100, requests: 30 } } }));
    await providers.upsert(syntheticProvider(upstream));
    const first = start();
    expect((await first.scheduler.checkNow('synth'))?.success).toBe(true);
    upstream.requests.length = 0;
    const second = start();
    await second.scheduler.sync();
    const adopted = await until(() => second.state.get('synth')?.result);
    expect(adopted.meters[0]).toMatchObject({ key: 'subscription', used: 30 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.requests).toHaveLength(0);
    expect((await second.scheduler.checkNow('synth'))?.success).toBe(true);
    expect(upstream.requests).toHaveLength(1);
  }, 30_000);

  it('ignores unknown checker types and disabled providers', async () => {
    await providers.upsert({
      ...syntheticProvider(upstream),
      slug: 'odd',
      settings: { quota_checker: { type: 'no-such-checker' } },
    });
    await providers.upsert({ ...syntheticProvider(upstream), slug: 'off', enabled: false });
    const { scheduler, state } = start();
    await scheduler.sync();
    expect(state.all()).toEqual([]);
  });

  it('a manual check asks the upstream even when the scheduled run under way adopts a stored reading', async () => {
    upstream.script(() => ({ kind: 'json', body: { subscription: { limit: 100, requests: 30 } } }));
    await providers.upsert(syntheticProvider(upstream));
    expect((await start().scheduler.checkNow('synth'))?.success).toBe(true);
    upstream.requests.length = 0;
    upstream.script(() => ({ kind: 'json', body: { subscription: { limit: 100, requests: 40 } } }));
    const result = await start().scheduler.checkNow('synth');
    expect(result?.meters[0]).toMatchObject({ key: 'subscription', used: 40 });
    expect(upstream.requests).toHaveLength(1);
  }, 30_000);

  it('prunes readings older than the retention', async () => {
    upstream.script(() => ({ kind: 'json', body: { subscription: { limit: 10, requests: 1 } } }));
    await providers.upsert(syntheticProvider(upstream));
    const { scheduler } = start();
    await scheduler.checkNow('synth');
    await dataSource.query(`UPDATE meter_snapshots SET checked_at = now() - interval '31 days'`);
    expect(await snapshots.deleteOlderThan(new Date(Date.now() - 30 * 86_400_000))).toBe(1);
  }, 30_000);
});
