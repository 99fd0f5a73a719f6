import { Logger } from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import type { AliasRecord } from '@plexus/persistence';
import { MemoryCooldownRepository, provider, routingConfig } from './cooldown/cooldown-test-helpers';
import { CooldownService } from './cooldown/cooldown.service';
import type { ProviderQuotaView } from './provider-quota';
import { RedisConnection } from './redis/redis-connection';
import { RouterService } from './router.service';
import { RoutingSettings } from './routing-settings';
import { InOrderSelector } from './selectors/in-order.selector';

Logger.overrideLogger(false);

const ALIASES: AliasRecord[] = [
  {
    slug: 'pair',
    aliasType: 'text',
    priority: 'selector',
    additionalAliases: [],
    settings: {},
    targetGroups: [
      {
        name: 'g',
        selector: 'in_order',
        targets: [
          { provider: 'a', model: 'm' },
          { provider: 'b', model: 'm' },
        ],
      },
    ],
  },
];

/** Providers over quota until the given instant. */
class FakeQuota implements ProviderQuotaView {
  readonly until = new Map<string, number>();

  exhaustedUntil(provider: string, now: number): number | null {
    const until = this.until.get(provider);
    return until !== undefined && until > now ? until : null;
  }

  headroom(): null {
    return null;
  }
}

describe('RouterService with provider quota meters', () => {
  let quota: FakeQuota;
  let router: RouterService;
  let cooldowns: CooldownService;

  beforeEach(async () => {
    const config = await routingConfig([provider('a'), provider('b')], ALIASES);
    cooldowns = new CooldownService(
      new MemoryCooldownRepository().asRepository(),
      new RoutingSettings(),
      config,
      new RedisConnection(undefined),
    );
    quota = new FakeQuota();
    router = new RouterService(config, [new InOrderSelector()], cooldowns, quota);
  });

  afterEach(() => jest.useRealTimers());

  const providers = (model = 'pair'): string[] =>
    router.route({ model, incoming: 'chat', policy: {} }).targets.map((target) => target.provider);

  it('skips a provider over its quota until its window resets, then routes to it again', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    quota.until.set('a', Date.now() + 60_000);
    expect(providers()).toEqual(['b']);
    expect(router.route({ model: 'pair', incoming: 'chat', policy: {} }).skipped).toEqual([
      { provider: 'a', model: 'm', apiType: 'chat', reason: 'quota_exhausted' },
    ]);
    expect(providers('direct/b/m')).toEqual(['b']);
    jest.setSystemTime(Date.now() + 60_001);
    expect(providers()).toEqual(['a', 'b']);
  });

  it('answers 503 with Retry-After until the soonest reset when every provider is over quota', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    quota.until.set('a', Date.now() + 90_000);
    quota.until.set('b', Date.now() + 30_000);
    let error: unknown;
    try {
      router.route({ model: 'pair', incoming: 'chat', policy: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayException);
    expect((error as GatewayException).code).toBe(ErrorCode.NO_HEALTHY_TARGET);
    expect((error as GatewayException).retryAfterSeconds).toBe(30);
    expect((error as GatewayException).message).toBe(
      "Every target for model 'pair' is over its provider quota until the quota window resets; retry in 30 s",
    );
    expect((error as { skipped?: Array<{ reason: string }> }).skipped?.map((target) => target.reason)).toEqual([
      'quota_exhausted',
      'quota_exhausted',
    ]);
  });

  it('says so when some targets are cooling down after failures and the others are over quota', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    quota.until.set('b', Date.now() + 30_000);
    cooldowns.recordFailure({ provider: 'a', model: 'm', status: 500, retryAfterSeconds: 10 });
    let error: unknown;
    try {
      router.route({ model: 'pair', incoming: 'chat', policy: {} });
    } catch (caught) {
      error = caught;
    }
    expect((error as GatewayException).message).toBe(
      "Every target for model 'pair' is cooling down after failures or over its provider quota; retry in 10 s",
    );
    expect((error as { skipped?: Array<{ reason: string }> }).skipped?.map((target) => target.reason)).toEqual([
      'cooldown',
      'quota_exhausted',
    ]);
  });

  it('routes as before without a quota view', async () => {
    const config = await routingConfig([provider('a'), provider('b')], ALIASES);
    const cooldowns = new CooldownService(
      new MemoryCooldownRepository().asRepository(),
      new RoutingSettings(),
      config,
      new RedisConnection(undefined),
    );
    const plain = new RouterService(config, [new InOrderSelector()], cooldowns);
    expect(
      plain.route({ model: 'pair', incoming: 'chat', policy: {} }).targets.map((target) => target.provider),
    ).toEqual(['a', 'b']);
  });
});
