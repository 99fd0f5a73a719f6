import { Logger } from '@nestjs/common';
import {
  ApiKeyRepository,
  dataSourceOptions,
  QuotaStateRepository,
  UserQuotaRepository,
  type ApiKeyPolicy,
  type UserQuotaRecord,
} from '@plexus/persistence';
import { createTestDatabase, type TestDatabase } from '@plexus/testing';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QuotaDefinitions } from '../quota-definitions.service';
import { QuotaExceededException } from '../quota-exceeded.exception';
import { QuotaService } from '../quota.service';
import { calendarWindow } from '../window/quota-window';
import { MemoryQuotaStore } from './memory-quota-store';
import type { BucketSpec, QuotaStore } from './quota-store';
import { RedisQuotaStore } from './redis-quota-store';

/** The machine's Redis, overridable for other setups. */
const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

Logger.overrideLogger(false);

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');

function bucket(overrides: Partial<BucketSpec> = {}): BucketSpec {
  return {
    bucketKey: 'k',
    quotaName: 'q',
    limitType: 'requests',
    limit: 50,
    window: { kind: 'leak', durationMs: HOUR },
    unit: 1,
    ...overrides,
  };
}

interface StoreBackend {
  name: string;
  /** Two handles on the same buckets: two replicas for Redis, the same store in memory. */
  open(): Promise<[QuotaStore, QuotaStore]>;
}

const prefix = `plexus-test-${randomBytes(6).toString('hex')}:`;
const opened: QuotaStore[] = [];

const BACKENDS: StoreBackend[] = [
  {
    name: 'in-process memory',
    open() {
      const store = new MemoryQuotaStore();
      return Promise.resolve([store, store]);
    },
  },
  {
    name: 'Redis (two replicas)',
    open() {
      // A fresh prefix per test so buckets never meet.
      const own = `${prefix}${randomUUID()}:`;
      const a = new RedisQuotaStore(REDIS_URL, own);
      const b = new RedisQuotaStore(REDIS_URL, own);
      opened.push(a, b);
      return Promise.resolve([a, b]);
    },
  },
];

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  const inspector = new Redis(REDIS_URL);
  const keys = await inspector.keys(`${prefix}*`);
  if (keys.length > 0) await inspector.del(...keys);
  await inspector.quit();
});

describe.each(BACKENDS)('quota store: $name', (backend) => {
  let a: QuotaStore;
  let b: QuotaStore;

  beforeEach(async () => {
    [a, b] = await backend.open();
  });

  it('admits exactly 50 of 200 concurrent requests against a 50-request limit (half through each replica)', async () => {
    const spec = bucket({ window: { kind: 'calendar', ...calendarWindow('daily', NOW) } });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        (index % 2 === 0 ? a : b).admit({
          now: NOW + index,
          reservationId: `r${index}`,
          buckets: [{ ...spec, amount: 1 }],
        }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(50);
    const refused = outcomes.filter((outcome) => !outcome.ok);
    expect(refused).toHaveLength(150);
    for (const outcome of refused)
      expect(outcome).toMatchObject({ ok: false, blocked: [0], concurrencyBlocked: false, usages: [50] });
    expect(await a.read([spec], NOW + 1000)).toEqual([50]);
  });

  it('reserves all of a key’s buckets or none', async () => {
    const requests = bucket({ quotaName: 'requests', limit: 10 });
    const tokens = bucket({ quotaName: 'tokens', limitType: 'tokens', limit: 1000, unit: 0 });
    const first = await a.admit({
      now: NOW,
      reservationId: 'r1',
      buckets: [
        { ...requests, amount: 1 },
        { ...tokens, amount: 1200 },
      ],
    });
    expect(first).toMatchObject({ ok: true, usages: [1, 1200], inFlight: 0 });
    // The token bucket is over its limit: the request bucket must not be charged either.
    const second = await b.admit({
      now: NOW,
      reservationId: 'r2',
      buckets: [
        { ...requests, amount: 1 },
        { ...tokens, amount: 10 },
      ],
    });
    expect(second).toEqual({ ok: false, usages: [1, 1200], blocked: [1], concurrencyBlocked: false, inFlight: 0 });
    expect(await a.read([requests, tokens], NOW)).toEqual([1, 1200]);
  });

  it('overshoots a token budget by at most one estimate under 200 concurrent reservations, then settles to the real figures', async () => {
    const spec = bucket({
      limitType: 'tokens',
      limit: 10_000,
      unit: 0,
      window: { kind: 'calendar', ...calendarWindow('daily', NOW) },
    });
    const estimate = 700;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        (index % 2 === 0 ? a : b).admit({
          now: NOW,
          reservationId: `t${index}`,
          buckets: [{ ...spec, amount: estimate }],
        }),
      ),
    );
    const admitted = outcomes.filter((outcome) => outcome.ok).length;
    // Admitted while under the limit: ceil(10000 / 700) = 15 reservations, 10500 reserved.
    expect(admitted).toBe(15);
    const [reserved] = await a.read([spec], NOW);
    expect(reserved).toBe(15 * estimate);
    expect(reserved - spec.limit).toBeLessThanOrEqual(estimate);
    // Each request really used 600 tokens: settle -100 each.
    for (let index = 0; index < admitted; index++) {
      await (index % 2 === 0 ? a : b).settle({
        now: NOW + 1,
        reservationId: `t${index}`,
        buckets: [{ ...spec, delta: -100, reservedWindowStart: (spec.window as { start: number }).start }],
      });
    }
    expect(await a.read([spec], NOW + 2)).toEqual([15 * 600]);
  });

  it('releases a reservation, and drops a settlement whose calendar window has ended', async () => {
    const today = calendarWindow('daily', NOW);
    const spec = bucket({ limitType: 'tokens', limit: 1000, unit: 0, window: { kind: 'calendar', ...today } });
    await a.admit({ now: NOW, reservationId: 'x', buckets: [{ ...spec, amount: 400 }] });
    expect(
      await b.settle({
        now: NOW,
        reservationId: 'x',
        buckets: [{ ...spec, delta: -400, reservedWindowStart: today.start }],
      }),
    ).toEqual([{ usage: 0, updatedAt: NOW, version: 2 }]);

    await a.admit({ now: NOW, reservationId: 'y', buckets: [{ ...spec, amount: 400 }] });
    const tomorrow = calendarWindow('daily', today.end);
    const next = { ...spec, window: { kind: 'calendar' as const, ...tomorrow } };
    expect(
      await b.settle({
        now: today.end + 5,
        reservationId: 'y',
        buckets: [{ ...next, delta: 300, reservedWindowStart: today.start }],
      }),
    ).toEqual([null]);
    expect(await a.read([next], today.end + 10)).toEqual([0]);
    expect(await a.read([spec], today.end - 1)).toEqual([400]);
  });

  it('drains a rolling (leaky) bucket and admits again once a whole request has leaked out', async () => {
    const spec = bucket({ limit: 2, window: { kind: 'leak', durationMs: 60_000 } });
    expect((await a.admit({ now: NOW, reservationId: '1', buckets: [{ ...spec, amount: 1 }] })).ok).toBe(true);
    expect((await b.admit({ now: NOW, reservationId: '2', buckets: [{ ...spec, amount: 1 }] })).ok).toBe(true);
    expect((await a.admit({ now: NOW + 29_999, reservationId: '3', buckets: [{ ...spec, amount: 1 }] })).ok).toBe(
      false,
    );
    const later = await b.admit({ now: NOW + 30_000, reservationId: '4', buckets: [{ ...spec, amount: 1 }] });
    expect(later).toMatchObject({ ok: true, usages: [2], inFlight: 0 });
    expect((await a.read([spec], NOW + 75_000))[0]).toBeCloseTo(0.5, 10);
  });

  it('holds at most maxConcurrency requests in flight, and frees a slot on settlement', async () => {
    const concurrency = { keyName: 'k', max: 10, leaseUntil: NOW + 120_000 };
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        (index % 2 === 0 ? a : b).admit({ now: NOW, reservationId: `c${index}`, buckets: [], concurrency }),
      ),
    );
    const admitted = outcomes.flatMap((outcome, index) => (outcome.ok ? [index] : []));
    expect(admitted).toHaveLength(10);
    expect(outcomes.find((outcome) => !outcome.ok)).toEqual({
      ok: false,
      usages: [],
      blocked: [],
      concurrencyBlocked: true,
      inFlight: 10,
    });
    expect(await a.inFlight('k', NOW)).toBe(10);
    await b.settle({ now: NOW, reservationId: `c${admitted[0]}`, buckets: [], concurrencyKey: 'k' });
    expect(await a.inFlight('k', NOW)).toBe(9);
    expect((await a.admit({ now: NOW, reservationId: 'again', buckets: [], concurrency })).ok).toBe(true);
  });

  it('forgets every bucket of a deleted quota, and nothing else', async () => {
    const gone = bucket({ quotaName: 'gone', limit: 100 });
    const kept = bucket({ quotaName: 'kept', limit: 100 });
    await a.admit({
      now: NOW,
      reservationId: 'f1',
      buckets: [
        { ...gone, amount: 5 },
        { ...kept, amount: 5 },
      ],
    });
    await a.admit({ now: NOW, reservationId: 'f2', buckets: [{ ...gone, bucketKey: 'other', amount: 2 }] });
    await b.forget('gone');
    expect(await a.read([gone, { ...gone, bucketKey: 'other' }, kept], NOW)).toEqual([0, 0, 5]);
  });

  it('empties a bucket on clear, and seeds only what the store does not hold', async () => {
    const spec = bucket({ limit: 100 });
    await a.admit({ now: NOW, reservationId: 'a', buckets: [{ ...spec, amount: 7 }] });
    await b.clear([{ bucketKey: 'k', quotaName: 'q' }]);
    expect(await a.read([spec], NOW)).toEqual([0]);

    await a.admit({ now: NOW, reservationId: 'b', buckets: [{ ...spec, amount: 3 }] });
    const other = bucket({ quotaName: 'other', limit: 100 });
    await b.seed(
      [
        {
          bucketKey: 'k',
          quotaName: 'q',
          limitType: 'requests',
          currentUsage: 99,
          windowStart: null,
          lastUpdated: NOW - 1000,
          version: 1,
        },
        {
          bucketKey: 'k',
          quotaName: 'other',
          limitType: 'requests',
          currentUsage: 40,
          windowStart: null,
          lastUpdated: NOW,
          version: 1,
        },
      ],
      NOW,
    );
    expect(await a.read([spec, other], NOW)).toEqual([3, 40]);
  });
});

describe('QuotaService over PostgreSQL (write-behind and restart)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let definitions: UserQuotaRepository;
  let keys: ApiKeyRepository;
  let states: QuotaStateRepository;

  async function service(store: QuotaStore = new MemoryQuotaStore()): Promise<QuotaService> {
    const quotaDefinitions = new QuotaDefinitions(definitions);
    await quotaDefinitions.onModuleInit();
    const quotas = new QuotaService(store, quotaDefinitions, states, keys);
    await quotas.onModuleInit();
    return quotas;
  }

  async function key(name: string, policy: ApiKeyPolicy): Promise<{ keyName: string; policy: ApiKeyPolicy }> {
    await keys.upsert({
      name,
      secret: `sk-${name}`,
      secretHash: randomBytes(32).toString('hex'),
      comment: null,
      policy,
      expiresAt: null,
      disabledAt: null,
    });
    return { keyName: name, policy };
  }

  async function define(record: Partial<UserQuotaRecord> & { name: string }): Promise<void> {
    await definitions.upsert({
      type: 'daily',
      limitType: 'requests',
      limit: 50,
      duration: null,
      shared: false,
      warnAt: null,
      ...record,
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: database.url, poolSize: 4 }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    definitions = new UserQuotaRepository(dataSource);
    keys = new ApiKeyRepository(dataSource);
    states = new QuotaStateRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('admits exactly 50 of 200 concurrent requests, writes the count behind, and a restarted service keeps it', async () => {
    await define({ name: 'fifty' });
    const principal = await key('restart-key', { quotas: ['fifty'] });
    const first = await service();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => first.admit(principal, { tokens: 10, cost: 0 })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(50);
    const refusals = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refusals).toHaveLength(150);
    for (const refusal of refusals) {
      expect(refusal.reason).toBeInstanceOf(QuotaExceededException);
      const error = refusal.reason as QuotaExceededException;
      expect(error.status).toBe(429);
      expect(error.wireBody().error).toMatchObject({
        type: 'quota_exceeded',
        quota_name: 'fifty',
        current_usage: 50,
        limit: 50,
      });
    }
    for (const result of results)
      if (result.status === 'fulfilled' && result.value) await first.settle(result.value, { tokens: 12, cost: 0 });
    await first.beforeApplicationShutdown();

    const rows = await states.findAll();
    expect(rows).toEqual([
      expect.objectContaining({
        bucketKey: 'restart-key',
        quotaName: 'fifty',
        limitType: 'requests',
        currentUsage: 50,
      }),
    ]);

    const second = await service();
    expect((await second.status('restart-key'))?.quotas).toEqual([
      expect.objectContaining({ name: 'fifty', currentUsage: 50, remaining: 0, allowed: false }),
    ]);
    await expect(second.admit(principal, { tokens: 1, cost: 0 })).rejects.toBeInstanceOf(QuotaExceededException);

    expect(await second.clear('restart-key')).toBe(true);
    expect(await states.findAll()).toEqual([]);
    expect((await second.status('restart-key'))?.quotas[0]).toMatchObject({ currentUsage: 0, allowed: true });
    await second.beforeApplicationShutdown();
  });

  it('pools a shared quota across keys, and settles cost to the real figure', async () => {
    await define({ name: 'team-budget', limitType: 'cost', limit: 1, shared: true });
    const alice = await key('alice', { quota: 'team-budget' });
    const bob = await key('bob', { quotas: ['team-budget'] });
    const quotas = await service();
    const one = await quotas.admit(alice, { tokens: 0, cost: 0.6 });
    const two = await quotas.admit(bob, { tokens: 0, cost: 0.6 });
    expect(one && two).toBeTruthy();
    await expect(quotas.admit(alice, { tokens: 0, cost: 0.01 })).rejects.toBeInstanceOf(QuotaExceededException);
    await quotas.settle(one!, { tokens: 0, cost: 0.25 });
    await quotas.release(two!);
    expect((await quotas.status('bob'))?.quotas[0]).toMatchObject({
      name: 'team-budget',
      currentUsage: 0.25,
      shared: true,
    });
    await quotas.beforeApplicationShutdown();
  });

  it('shares its buckets through Redis between two services and seeds Redis from the database', async () => {
    await define({ name: 'redis-ten', limit: 10 });
    const principal = await key(`redis-${randomBytes(4).toString('hex')}`, {
      quotas: ['redis-ten'],
      maxConcurrency: 5,
    });
    const own = `${prefix}${randomUUID()}:`;
    const [storeA, storeB] = [new RedisQuotaStore(REDIS_URL, own), new RedisQuotaStore(REDIS_URL, own)];
    opened.push(storeA, storeB);
    const [a, b] = [await service(storeA), await service(storeB)];
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) => (index % 2 ? a : b).admit(principal, { tokens: 1, cost: 0 })),
    );
    const admitted = results.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
    // The in-flight limit (5) binds before the quota (10).
    expect(admitted).toHaveLength(5);
    for (const reservation of admitted) await a.settle(reservation, { tokens: 1, cost: 0 });
    expect((await b.status(principal.keyName))?.concurrency).toEqual({ limit: 5, inFlight: 0 });
    await a.beforeApplicationShutdown();
    await b.beforeApplicationShutdown();

    // A Redis that lost its data is refilled from the database copy at boot.
    await storeA.clear([{ bucketKey: principal.keyName, quotaName: 'redis-ten' }]);
    const restarted = await service(new RedisQuotaStore(REDIS_URL, own));
    expect((await restarted.status(principal.keyName))?.quotas[0]).toMatchObject({ currentUsage: 5 });
    await restarted.beforeApplicationShutdown();
    await restarted.onApplicationShutdown();
  });
});
