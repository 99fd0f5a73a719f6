import { Logger } from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import type {
  ApiKeyPolicy,
  ApiKeyRecord,
  ApiKeyRepository,
  QuotaStateRecord,
  QuotaStateRepository,
  UserQuotaRecord,
  UserQuotaRepository,
} from '@plexus/persistence';
import { MemoryQuotaStore } from './ledger/memory-quota-store';
import { QuotaDefinitions } from './quota-definitions.service';
import { QuotaExceededException } from './quota-exceeded.exception';
import { QuotaService } from './quota.service';

Logger.overrideLogger(false);

const NOW = Date.parse('2026-03-10T23:59:30Z');
const MIDNIGHT = '2026-03-11T00:00:00.000Z';

function quota(record: Partial<UserQuotaRecord> & { name: string }): UserQuotaRecord {
  return { type: 'daily', limitType: 'requests', limit: 10, duration: null, shared: false, warnAt: null, ...record };
}

async function setup(
  quotas: UserQuotaRecord[],
  keys: Record<string, ApiKeyPolicy>,
): Promise<{ service: QuotaService; rows: QuotaStateRecord[] }> {
  const rows: QuotaStateRecord[] = [];
  const definitions = new QuotaDefinitions({
    findAll: () => Promise.resolve(quotas),
  } as unknown as UserQuotaRepository);
  await definitions.reload();
  const states = {
    findAll: () => Promise.resolve([]),
    upsertMany: (records: QuotaStateRecord[]) => {
      rows.push(...records);
      return Promise.resolve();
    },
    deleteBucket: () => Promise.resolve(1),
    deleteQuota: () => Promise.resolve(1),
  } as unknown as QuotaStateRepository;
  const repository = {
    findByName: (name: string) =>
      Promise.resolve(keys[name] ? ({ name, policy: keys[name] } as unknown as ApiKeyRecord) : null),
  } as unknown as ApiKeyRepository;
  const service = new QuotaService(new MemoryQuotaStore(), definitions, states, repository);
  await service.onModuleInit();
  return { service, rows };
}

describe('QuotaService', () => {
  it('admits nothing for a key without quotas or an in-flight limit', async () => {
    const { service } = await setup([quota({ name: 'q' })], {});
    const principal = { keyName: 'k', policy: {} };
    expect(service.applies(principal)).toBe(false);
    expect(await service.admit(principal, { tokens: 1, cost: 0 }, NOW)).toBeNull();
  });

  it('names the most constrained quota in the headers, with a warning past warnAt', async () => {
    const { service } = await setup(
      [quota({ name: 'roomy', limit: 100 }), quota({ name: 'tight', limitType: 'tokens', limit: 1000, warnAt: 0.5 })],
      {},
    );
    const reservation = await service.admit(
      { keyName: 'k', policy: { quotas: ['roomy', 'tight'] } },
      { tokens: 600, cost: 0 },
      NOW,
    );
    expect(reservation?.headers).toEqual({
      'x-plexus-quota': 'tight',
      'x-plexus-quota-limit': '1000',
      'x-plexus-quota-remaining': '400',
      'x-plexus-quota-reset': MIDNIGHT,
      'x-plexus-quota-warning': 'tight at 60% of its limit',
    });
  });

  it('refuses with every blocking quota, the one that admits last first, and Retry-After until it does', async () => {
    const { service } = await setup(
      [
        quota({ name: 'daily-one', limit: 1 }),
        quota({ name: 'rolling-one', type: 'rolling', duration: '1h', limit: 1 }),
        quota({ name: 'other', limit: 5 }),
      ],
      { k: { quotas: ['daily-one', 'rolling-one', 'other'] } },
    );
    const principal = { keyName: 'k', policy: { quotas: ['daily-one', 'rolling-one', 'other'] } };
    await service.admit(principal, { tokens: 1, cost: 0 }, NOW);
    const refusal = await service.admit(principal, { tokens: 1, cost: 0 }, NOW + 1000).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(QuotaExceededException);
    const error = refusal as QuotaExceededException;
    // The rolling bucket needs (almost) an hour to drain a whole request; the day ends in 29 s.
    expect(error.retryAfterSeconds).toBe(3600);
    expect(error.wireBody()).toEqual({
      error: {
        message: 'Quota exceeded: rolling-one limit of 1 reached',
        type: 'quota_exceeded',
        quota_name: 'rolling-one',
        current_usage: 1,
        limit: 1,
        resets_at: new Date(NOW + 1000 + 3_599_000).toISOString(),
        blocking_quotas: [
          expect.objectContaining({ quotaName: 'rolling-one', limitType: 'requests', limit: 1, remaining: 0 }),
          {
            quotaName: 'daily-one',
            limitType: 'requests',
            limit: 1,
            currentUsage: 1,
            remaining: 0,
            resetsAt: MIDNIGHT,
          },
        ],
      },
    });
    expect(error.headers['x-plexus-quota']).toBe('rolling-one');
    // The refused request charged nothing, not even on the quota that still had room.
    expect((await service.status('k', NOW + 1000))?.quotas.find((entry) => entry.name === 'other')).toMatchObject({
      currentUsage: 1,
      allowed: true,
    });
  });

  it('settles to the real usage, releases a reservation, and never settles twice', async () => {
    const { service, rows } = await setup([quota({ name: 'tokens', limitType: 'tokens', limit: 10_000 })], {
      k: { quotas: ['tokens'] },
    });
    const principal = { keyName: 'k', policy: { quotas: ['tokens'] } };
    const one = await service.admit(principal, { tokens: 3000, cost: 0 }, NOW);
    const two = await service.admit(principal, { tokens: 3000, cost: 0 }, NOW);
    await service.settle(one!, { tokens: 1200, cost: 0 }, NOW);
    await service.settle(one!, { tokens: 9999, cost: 0 }, NOW);
    await service.release(two!, NOW);
    expect((await service.status('k', NOW))?.quotas[0]).toMatchObject({
      currentUsage: 1200,
      remaining: 8800,
      allowed: true,
      resetsAt: MIDNIGHT,
    });
    await service.flush();
    expect(rows.at(-1)).toMatchObject({ bucketKey: 'k', quotaName: 'tokens', limitType: 'tokens', currentUsage: 1200 });
  });

  it('drops an adjustment once the calendar window it was reserved in has ended', async () => {
    const { service } = await setup([quota({ name: 'tokens', limitType: 'tokens', limit: 10_000 })], {
      k: { quotas: ['tokens'] },
    });
    const reservation = await service.admit(
      { keyName: 'k', policy: { quotas: ['tokens'] } },
      { tokens: 3000, cost: 0 },
      NOW,
    );
    await service.settle(reservation!, { tokens: 5000, cost: 0 }, NOW + 60_000);
    expect((await service.status('k', NOW + 60_000))?.quotas[0]).toMatchObject({
      currentUsage: 0,
      resetsAt: '2026-03-12T00:00:00.000Z',
    });
  });

  it('refuses a key at its in-flight limit with CONCURRENCY_LIMIT and frees the slot on settlement', async () => {
    const { service } = await setup([], { k: { maxConcurrency: 2 } });
    const principal = { keyName: 'k', policy: { maxConcurrency: 2 } };
    const held = [
      await service.admit(principal, { tokens: 1, cost: 0 }),
      await service.admit(principal, { tokens: 1, cost: 0 }),
    ];
    const refusal = await service.admit(principal, { tokens: 1, cost: 0 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatewayException);
    expect(refusal).toMatchObject({ code: ErrorCode.CONCURRENCY_LIMIT, status: 429, retryAfterSeconds: 1 });
    expect((await service.status('k'))?.concurrency).toEqual({ limit: 2, inFlight: 2 });
    await service.release(held[0]!);
    expect((await service.status('k'))?.concurrency).toEqual({ limit: 2, inFlight: 1 });
    expect(await service.admit(principal, { tokens: 1, cost: 0 })).not.toBeNull();
  });

  it('answers 503 when the store cannot be reached (fails closed)', async () => {
    const { service } = await setup([quota({ name: 'q' })], {});
    const broken = service as unknown as { store: { admit: () => Promise<never> } };
    broken.store.admit = () => Promise.reject(new Error('connection refused'));
    await expect(service.admit({ keyName: 'k', policy: { quota: 'q' } }, { tokens: 1, cost: 0 })).rejects.toMatchObject(
      { status: 503, retryAfterSeconds: 1 },
    );
  });
});
