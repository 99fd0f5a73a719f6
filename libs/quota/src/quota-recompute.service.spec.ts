import { Logger } from '@nestjs/common';
import type {
  ApiKeyPolicy,
  ApiKeyRecord,
  ApiKeyRepository,
  QuotaStateRepository,
  UsageCharge,
  UsageRepository,
  UserQuotaRecord,
  UserQuotaRepository,
} from '@plexus/persistence';
import { MemoryQuotaStore } from './ledger/memory-quota-store';
import { QuotaDefinitions } from './quota-definitions.service';
import { QuotaRecomputeError, QuotaRecomputeService } from './quota-recompute.service';
import { QuotaService } from './quota.service';

Logger.overrideLogger(false);

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY_START = Date.parse('2026-03-10T00:00:00Z');
const HOUR = 3_600_000;

const QUOTAS: UserQuotaRecord[] = [
  { name: 'day-tokens', type: 'daily', limitType: 'tokens', limit: 1000, duration: null, shared: false, warnAt: null },
  { name: 'pool', type: 'daily', limitType: 'requests', limit: 100, duration: null, shared: true, warnAt: null },
  { name: 'hour-cost', type: 'rolling', limitType: 'cost', limit: 10, duration: '1h', shared: false, warnAt: null },
  { name: 'hour-tokens', type: 'rolling', limitType: 'tokens', limit: 10, duration: '1h', shared: false, warnAt: null },
];
const KEYS: Record<string, ApiKeyPolicy> = {
  team: { quotas: ['day-tokens', 'pool', 'hour-cost', 'hour-tokens'] },
  other: { quotas: ['pool'] },
  idle: {},
};

async function setup(charges: Record<string, UsageCharge[]>): Promise<{
  recompute: QuotaRecomputeService;
  quotas: QuotaService;
  asked: Array<{ apiKeys: string[]; since: Date }>;
}> {
  const definitions = new QuotaDefinitions({
    findAll: () => Promise.resolve(QUOTAS),
  } as unknown as UserQuotaRepository);
  await definitions.reload();
  const states = {
    findAll: () => Promise.resolve([]),
    upsertMany: () => Promise.resolve(),
    deleteBucket: () => Promise.resolve(1),
  } as unknown as QuotaStateRepository;
  const record = (name: string): ApiKeyRecord => ({ name, policy: KEYS[name] }) as unknown as ApiKeyRecord;
  const keys = {
    findByName: (name: string) => Promise.resolve(KEYS[name] ? record(name) : null),
    findAll: () => Promise.resolve(Object.keys(KEYS).map(record)),
  } as unknown as ApiKeyRepository;
  const asked: Array<{ apiKeys: string[]; since: Date }> = [];
  const usage = {
    chargesSince: (params: { apiKeys: string[]; since: Date }) => {
      asked.push(params);
      return Promise.resolve(
        params.apiKeys
          .flatMap((key) => charges[key] ?? [])
          .filter((charge) => charge.at >= params.since.getTime())
          .sort((a, b) => a.at - b.at),
      );
    },
  } as unknown as UsageRepository;
  const quotas = new QuotaService(new MemoryQuotaStore(), definitions, states, keys);
  return { recompute: new QuotaRecomputeService(quotas, definitions, keys, usage), quotas, asked };
}

const usageOf = async (quotas: QuotaService, key: string, name: string): Promise<number | undefined> =>
  (await quotas.status(key, NOW))?.quotas.find((entry) => entry.name === name)?.currentUsage;

describe('QuotaRecomputeService', () => {
  it("replaces a calendar bucket with the sum of the window's charges", async () => {
    const { recompute, quotas, asked } = await setup({
      team: [
        { at: NOW - HOUR, tokens: 300, cost: 1 },
        { at: NOW - 1000, tokens: 65, cost: 2 },
      ],
    });
    await quotas.overwrite(
      'team',
      {
        name: 'day-tokens',
        type: 'daily',
        limitType: 'tokens',
        limit: 1000,
        durationMs: null,
        duration: null,
        shared: false,
        warnAt: null,
      },
      999,
      NOW,
    );
    expect(await recompute.recompute('team', 'day-tokens', NOW)).toEqual({
      usage: 365,
      windowStartMs: DAY_START,
      requests: 2,
    });
    expect(asked).toEqual([{ apiKeys: ['team'], since: new Date(DAY_START) }]);
    expect(await usageOf(quotas, 'team', 'day-tokens')).toBe(365);
  });

  it('pools the charges of every key holding a shared quota', async () => {
    const { recompute, quotas } = await setup({
      team: [{ at: NOW - 10, tokens: 1, cost: 0 }],
      other: [
        { at: NOW - 20, tokens: 1, cost: 0 },
        { at: NOW - 30, tokens: 1, cost: 0 },
      ],
    });
    expect((await recompute.recompute('team', 'pool', NOW)).usage).toBe(3);
    expect(await usageOf(quotas, 'other', 'pool')).toBe(3);
  });

  it('replays a rolling cost quota through its leaky bucket from one duration ago', async () => {
    // 6 USD half an hour ago drains 5 USD by now (10 USD per hour); 2 USD just now stays.
    const { recompute } = await setup({
      team: [
        { at: NOW - 2 * HOUR, tokens: 0, cost: 50 },
        { at: NOW - HOUR / 2, tokens: 0, cost: 6 },
        { at: NOW, tokens: 0, cost: 2 },
      ],
    });
    expect(await recompute.recompute('team', 'hour-cost', NOW)).toEqual({
      usage: 3,
      windowStartMs: NOW - HOUR,
      requests: 2,
    });
  });

  it('refuses unknown keys, unattached quotas and rolling token quotas', async () => {
    const { recompute } = await setup({});
    const reason = (run: Promise<unknown>): Promise<unknown> =>
      run.then(
        () => 'resolved',
        (error: unknown) => (error instanceof QuotaRecomputeError ? error.reason : error),
      );
    expect(await reason(recompute.recompute('ghost', 'pool', NOW))).toBe('key_not_found');
    expect(await reason(recompute.recompute('idle', 'pool', NOW))).toBe('quota_not_attached');
    expect(await reason(recompute.recompute('team', 'hour-tokens', NOW))).toBe('unsupported_quota_type');
  });
});
