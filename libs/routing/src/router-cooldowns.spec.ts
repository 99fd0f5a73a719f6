import { Logger } from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import type { AliasRecord, ApiKeyPolicy } from '@plexus/persistence';
import { MemoryCooldownRepository, provider, routingConfig } from './cooldown/cooldown-test-helpers';
import { CooldownService } from './cooldown/cooldown.service';
import type { NoHealthyTargetException } from './no-healthy-target.exception';
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
        name: 'first',
        selector: 'in_order',
        targets: [
          { provider: 'a', model: 'm1' },
          { provider: 'a', model: 'm2' },
        ],
      },
      { name: 'second', selector: 'in_order', targets: [{ provider: 'b', model: 'm' }] },
    ],
  },
  {
    slug: 'with-disabled',
    aliasType: 'text',
    priority: 'selector',
    additionalAliases: [],
    settings: {},
    targetGroups: [
      {
        name: 'g',
        selector: 'in_order',
        targets: [
          { provider: 'a', model: 'm1' },
          { provider: 'off', model: 'x' },
        ],
      },
    ],
  },
];

describe('RouterService with cooldowns', () => {
  let router: RouterService;
  let cooldowns: CooldownService;
  const policy: ApiKeyPolicy = {};

  beforeEach(async () => {
    const config = await routingConfig(
      [
        provider('a'),
        provider('b'),
        provider('immune', { disable_cooldown: true }),
        { ...provider('off'), enabled: false },
      ],
      ALIASES,
    );
    cooldowns = new CooldownService(
      new MemoryCooldownRepository().asRepository(),
      new RoutingSettings(),
      config,
      new RedisConnection(undefined),
    );
    router = new RouterService(config, [new InOrderSelector()], cooldowns);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  const targets = (model: string, keyPolicy: ApiKeyPolicy = policy): string[] =>
    router
      .route({ model, incoming: 'chat', policy: keyPolicy })
      .targets.map((target) => `${target.provider}/${target.model}`);

  function routeError(model: string, keyPolicy: ApiKeyPolicy = policy): GatewayException {
    try {
      router.route({ model, incoming: 'chat', policy: keyPolicy });
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayException);
      return error as GatewayException;
    }
    throw new Error('expected routing to fail');
  }

  it('leaves a cooling target out and keeps the others in order', () => {
    expect(targets('pair')).toEqual(['a/m1', 'a/m2', 'b/m']);
    cooldowns.recordFailure({ provider: 'a', model: 'm1', status: 429 });
    expect(targets('pair')).toEqual(['a/m2', 'b/m']);
    expect(router.route({ model: 'pair', incoming: 'chat', policy }).skipped).toEqual([
      { provider: 'a', model: 'm1', apiType: 'chat', reason: 'cooldown' },
    ]);
  });

  it('leaves out every model of a provider under a provider-wide cooldown', () => {
    cooldowns.recordFailure({ provider: 'a', model: '', status: 429 });
    expect(targets('pair')).toEqual(['b/m']);
  });

  it('takes a target back once its cooldown ended, or at once after a success', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    cooldowns.recordFailure({ provider: 'b', model: 'm', status: 500, retryAfterSeconds: 5 });
    expect(targets('pair')).toEqual(['a/m1', 'a/m2']);
    jest.advanceTimersByTime(5000);
    expect(targets('pair')).toEqual(['a/m1', 'a/m2', 'b/m']);
    cooldowns.recordFailure({ provider: 'a', model: 'm2', status: 500 });
    expect(targets('pair')).toEqual(['a/m1', 'b/m']);
    cooldowns.recordSuccess('a', 'm2');
    expect(targets('pair')).toEqual(['a/m1', 'a/m2', 'b/m']);
  });

  it('answers 503 NO_HEALTHY_TARGET with Retry-After of the soonest expiry when every target is cooling', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    cooldowns.recordFailure({ provider: 'a', model: 'm1', status: 429, retryAfterSeconds: 90 });
    cooldowns.recordFailure({ provider: 'a', model: 'm2', status: 429, retryAfterSeconds: 45 });
    cooldowns.recordFailure({ provider: 'b', model: 'm', status: 503 });
    jest.advanceTimersByTime(10_500);
    const error = routeError('pair');
    expect(error.code).toBe(ErrorCode.NO_HEALTHY_TARGET);
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(35);
    expect(error.message).toMatch(/cooling down/);
    expect(
      (error as NoHealthyTargetException).skipped.map(
        (target) => `${target.provider}/${target.model}:${target.reason}`,
      ),
    ).toEqual(['a/m1:cooldown', 'a/m2:cooldown', 'b/m:cooldown']);
  });

  it('counts only the cooling targets when the others are disabled', () => {
    cooldowns.recordFailure({ provider: 'a', model: 'm1', status: 429, retryAfterSeconds: 20 });
    const error = routeError('with-disabled');
    expect(error.code).toBe(ErrorCode.NO_HEALTHY_TARGET);
    expect(error.retryAfterSeconds).toBe(20);
  });

  it('applies to direct routing as well, except for providers with disable_cooldown', () => {
    cooldowns.recordFailure({ provider: 'a', model: 'raw', status: 500, retryAfterSeconds: 7 });
    expect(routeError('direct/a/raw')).toMatchObject({ code: ErrorCode.NO_HEALTHY_TARGET, retryAfterSeconds: 7 });
    expect(targets('direct/a/other')).toEqual(['a/other']);
    cooldowns.recordFailure({ provider: 'immune', model: 'raw', status: 500 });
    expect(targets('direct/immune/raw')).toEqual(['immune/raw']);
  });

  it('still answers FORBIDDEN when the key may use none of the targets, cooling or not', () => {
    cooldowns.recordFailure({ provider: 'a', model: 'm1', status: 429 });
    cooldowns.recordFailure({ provider: 'a', model: 'm2', status: 429 });
    expect(routeError('pair', { allowedProviders: ['nobody'] }).code).toBe(ErrorCode.FORBIDDEN);
    // The key may only use the cooling provider: that is a cooldown, not a policy refusal.
    const error = routeError('pair', { allowedProviders: ['a'] });
    expect(error.code).toBe(ErrorCode.NO_HEALTHY_TARGET);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });
});
