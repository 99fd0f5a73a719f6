import { Logger } from '@nestjs/common';
import { ErrorCode, GatewayException, type ApiFormat } from '@plexus/core';
import type {
  AliasRecord,
  AliasRepository,
  ApiKeyPolicy,
  ProviderRecord,
  ProviderRepository,
} from '@plexus/persistence';
import type { CooldownService } from './cooldown/cooldown.service';
import type { RouteTarget } from './route-target';
import { RouterService } from './router.service';
import { RoutingConfigService } from './routing-config.service';
import { InOrderSelector } from './selectors/in-order.selector';
import { RandomSelector } from './selectors/random.selector';

function provider(slug: string, overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    slug,
    displayName: null,
    apiBaseUrl: `https://${slug}.example.com/v1`,
    apiKey: `key-${slug}`,
    enabled: true,
    settings: {},
    models: [],
    ...overrides,
  };
}

function alias(slug: string, overrides: Partial<AliasRecord> = {}): AliasRecord {
  return {
    slug,
    aliasType: 'text',
    priority: 'selector',
    targetGroups: [],
    additionalAliases: [],
    settings: {},
    ...overrides,
  };
}

const PROVIDERS: ProviderRecord[] = [
  provider('openai', {
    apiBaseUrl: 'https://api.openai.com/v1',
    settings: {
      timeoutMs: 30_000,
      headers: { 'OpenAI-Organization': 'org-1' },
      extraBody: { service_tier: 'flex', shared: 'provider' },
    },
    models: [
      { name: 'gpt-4o', config: { extraBody: { shared: 'model', store: false } } },
      { name: 'gpt-4o-mini', config: {} },
    ],
  }),
  provider('anthropic', {
    apiBaseUrl: 'https://api.anthropic.com/v1',
    models: [{ name: 'claude-sonnet', config: {} }],
  }),
  provider('gemini', { apiBaseUrl: 'https://generativelanguage.googleapis.com/v1beta' }),
  provider('openrouter', { apiBaseUrl: 'https://openrouter.ai/api/v1', apiKey: null }),
  provider('multi', {
    apiBaseUrl: { messages: 'https://multi.example.com/anthropic', chat: 'https://multi.example.com/openai/v1' },
  }),
  provider('switched-off', { enabled: false }),
];

const ALIASES: AliasRecord[] = [
  alias('smart', {
    additionalAliases: ['smart-latest', 'best'],
    targetGroups: [
      {
        name: 'primary',
        selector: 'in_order',
        targets: [
          { provider: 'openai', model: 'gpt-4o' },
          { provider: 'switched-off', model: 'anything' },
          { provider: 'openrouter', model: 'openai/gpt-4o', enabled: false },
          { provider: 'anthropic', model: 'claude-sonnet', enabled: true },
          { provider: 'no-such-provider', model: 'ghost' },
        ],
      },
      {
        name: 'fallback',
        selector: 'in_order',
        targets: [
          { provider: 'openrouter', model: 'anthropic/claude-3' },
          { provider: 'openai', model: 'gpt-4o' },
        ],
      },
    ],
  }),
  alias('dead', {
    targetGroups: [
      {
        name: 'only',
        selector: 'in_order',
        targets: [
          { provider: 'openai', model: 'gpt-4o', enabled: false },
          { provider: 'switched-off', model: 'anything' },
        ],
      },
    ],
  }),
  alias('shuffled', {
    targetGroups: [
      {
        name: 'pool',
        selector: 'random',
        targets: [
          { provider: 'openai', model: 'gpt-4o' },
          { provider: 'anthropic', model: 'claude-sonnet' },
          { provider: 'openrouter', model: 'x/y' },
        ],
      },
    ],
  }),
  alias('unknown-selector', {
    targetGroups: [
      {
        name: 'pool',
        selector: 'least_latency',
        targets: [
          { provider: 'openai', model: 'gpt-4o' },
          { provider: 'anthropic', model: 'claude-sonnet' },
        ],
      },
    ],
  }),
  alias('dual', { targetGroups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'multi', model: 'm1' }] }] }),
];

async function buildRouter(providers = PROVIDERS, aliases = ALIASES): Promise<RouterService> {
  const providerRepository = { findAll: () => Promise.resolve(providers) } as unknown as ProviderRepository;
  const aliasRepository = { findAll: () => Promise.resolve(aliases) } as unknown as AliasRepository;
  const config = new RoutingConfigService(providerRepository, aliasRepository);
  await config.reload();
  const nothingCooling = { coolingUntil: () => null } as unknown as CooldownService;
  return new RouterService(config, [new RandomSelector(), new InOrderSelector()], nothingCooling);
}

const NO_POLICY: ApiKeyPolicy = {};

// RoutingConfigService logs each reload at debug level; keep the test output quiet.
Logger.overrideLogger(false);

function names(targets: RouteTarget[]): string[] {
  return targets.map((target) => `${target.provider}/${target.model}`);
}

function routeError(
  router: RouterService,
  model: string,
  policy: ApiKeyPolicy = NO_POLICY,
  incoming: ApiFormat = 'chat',
): GatewayException {
  try {
    router.route({ model, incoming, policy });
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayException);
    return error as GatewayException;
  }
  throw new Error(`expected routing '${model}' to fail`);
}

describe('RouterService', () => {
  let router: RouterService;

  beforeAll(async () => {
    router = await buildRouter();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('aliases', () => {
    it('resolves an alias by its slug', () => {
      const plan = router.route({ model: 'smart', incoming: 'chat', policy: NO_POLICY });
      expect(plan.alias).toBe('smart');
      expect(plan.targets.length).toBeGreaterThan(0);
    });

    it.each(['smart-latest', 'best'])('resolves the additional alias %s to the same alias', (name) => {
      const plan = router.route({ model: name, incoming: 'chat', policy: NO_POLICY });
      expect(plan.alias).toBe('smart');
      expect(names(plan.targets)).toEqual(
        names(router.route({ model: 'smart', incoming: 'chat', policy: NO_POLICY }).targets),
      );
    });

    it('orders group 1 targets before group 2, in declared order, skipping disabled targets and providers', () => {
      const plan = router.route({ model: 'smart', incoming: 'chat', policy: NO_POLICY });
      expect(names(plan.targets)).toEqual([
        'openai/gpt-4o',
        'anthropic/claude-sonnet',
        'openrouter/anthropic/claude-3',
      ]);
      expect(plan.targets.map((target) => target.group)).toEqual(['primary', 'primary', 'fallback']);
    });

    it('lists the disabled targets and providers it left out as skipped', () => {
      const plan = router.route({ model: 'smart', incoming: 'chat', policy: NO_POLICY });
      expect(plan.skipped).toEqual([
        { provider: 'switched-off', model: 'anything', apiType: 'chat', reason: 'disabled' },
        { provider: 'openrouter', model: 'openai/gpt-4o', apiType: 'chat', reason: 'disabled' },
      ]);
    });

    it('de-duplicates a provider+model that appears in several groups, keeping its first place', () => {
      const plan = router.route({ model: 'smart', incoming: 'chat', policy: NO_POLICY });
      expect(names(plan.targets).filter((name) => name === 'openai/gpt-4o')).toHaveLength(1);
      expect(plan.targets[0]?.group).toBe('primary');
    });

    it('throws NO_HEALTHY_TARGET (503) when every target is disabled', () => {
      const error = routeError(router, 'dead');
      expect(error.code).toBe(ErrorCode.NO_HEALTHY_TARGET);
      expect(error.status).toBe(503);
    });

    it('throws MODEL_NOT_FOUND (404) on param model for an unknown alias', () => {
      const error = routeError(router, 'does-not-exist');
      expect(error.code).toBe(ErrorCode.MODEL_NOT_FOUND);
      expect(error.status).toBe(404);
      expect(error.body.param).toBe('model');
    });

    it('orders a random group with the random selector', () => {
      // Fisher-Yates over 3 targets draws twice: j=floor(0*3)=0 swaps 2↔0, j=floor(0*2)=0 swaps 1↔0.
      jest.spyOn(Math, 'random').mockReturnValue(0);
      const plan = router.route({ model: 'shuffled', incoming: 'chat', policy: NO_POLICY });
      expect(names(plan.targets)).toEqual(['anthropic/claude-sonnet', 'openrouter/x/y', 'openai/gpt-4o']);
    });

    it('falls back to the random selector for an unknown selector name', () => {
      jest.spyOn(Math, 'random').mockReturnValue(0);
      const plan = router.route({ model: 'unknown-selector', incoming: 'chat', policy: NO_POLICY });
      expect(names(plan.targets)).toEqual(['anthropic/claude-sonnet', 'openai/gpt-4o']);
      expect(Math.random).toHaveBeenCalledTimes(1);
    });
  });

  describe('direct routing', () => {
    it('routes direct/<provider>/<model> to that one target', () => {
      const plan = router.route({ model: 'direct/openai/gpt-4o-mini', incoming: 'chat', policy: NO_POLICY });
      expect(plan.alias).toBeNull();
      expect(plan.targets).toEqual([
        {
          provider: 'openai',
          model: 'gpt-4o-mini',
          apiType: 'chat',
          baseUrl: 'https://api.openai.com/v1',
          apiKey: 'key-openai',
          headers: { 'OpenAI-Organization': 'org-1' },
          extraBody: { service_tier: 'flex', shared: 'provider' },
          timeoutMs: 30_000,
          group: 'direct',
          modelConfig: {},
          discount: 0,
          stall: {},
        },
      ]);
    });

    it('keeps every slash after the provider in the model name', () => {
      const plan = router.route({ model: 'direct/openrouter/anthropic/claude-3', incoming: 'chat', policy: NO_POLICY });
      expect(plan.targets).toHaveLength(1);
      expect(plan.targets[0]).toMatchObject({ provider: 'openrouter', model: 'anthropic/claude-3', apiKey: null });
    });

    it.each(['direct/nobody/gpt-4o', 'direct/openai', 'direct/openai/', 'direct/'])(
      'throws MODEL_NOT_FOUND (404) for %s',
      (model) => {
        const error = routeError(router, model);
        expect(error.code).toBe(ErrorCode.MODEL_NOT_FOUND);
        expect(error.status).toBe(404);
        expect(error.body.param).toBe('model');
      },
    );

    it('throws NO_HEALTHY_TARGET for a disabled provider', () => {
      expect(routeError(router, 'direct/switched-off/anything').code).toBe(ErrorCode.NO_HEALTHY_TARGET);
    });
  });

  describe('key policy', () => {
    it('throws FORBIDDEN (403) for an excluded model', () => {
      const error = routeError(router, 'smart', { excludedModels: ['smart'] });
      expect(error.code).toBe(ErrorCode.FORBIDDEN);
      expect(error.status).toBe(403);
      expect(error.body.param).toBe('model');
    });

    it('throws FORBIDDEN for a model missing from a non-empty allow list, and allows it when listed', () => {
      expect(routeError(router, 'smart', { allowedModels: ['other'] }).code).toBe(ErrorCode.FORBIDDEN);
      expect(
        router.route({ model: 'smart', incoming: 'chat', policy: { allowedModels: ['smart'] } }).targets,
      ).not.toHaveLength(0);
      expect(
        router.route({ model: 'smart', incoming: 'chat', policy: { allowedModels: [] } }).targets,
      ).not.toHaveLength(0);
    });

    it('lets the model deny list win over its allow list', () => {
      expect(routeError(router, 'smart', { allowedModels: ['smart'], excludedModels: ['smart'] }).code).toBe(
        ErrorCode.FORBIDDEN,
      );
    });

    it('checks the model name as the client sent it, not the alias it resolves to', () => {
      expect(routeError(router, 'best', { allowedModels: ['smart'] }).code).toBe(ErrorCode.FORBIDDEN);
    });

    it('narrows the targets to the allowed providers', () => {
      const plan = router.route({
        model: 'smart',
        incoming: 'chat',
        policy: { allowedProviders: ['anthropic', 'openrouter'] },
      });
      expect(names(plan.targets)).toEqual(['anthropic/claude-sonnet', 'openrouter/anthropic/claude-3']);
    });

    it('drops the excluded providers', () => {
      const plan = router.route({ model: 'smart', incoming: 'chat', policy: { excludedProviders: ['openai'] } });
      expect(names(plan.targets)).toEqual(['anthropic/claude-sonnet', 'openrouter/anthropic/claude-3']);
      expect(plan.skipped).toContainEqual({
        provider: 'openai',
        model: 'gpt-4o',
        apiType: 'chat',
        reason: 'excluded_by_key',
      });
    });

    it('throws FORBIDDEN (403) when the policy excludes every target', () => {
      const byAllow = routeError(router, 'smart', { allowedProviders: ['gemini'] });
      expect(byAllow.code).toBe(ErrorCode.FORBIDDEN);
      expect(byAllow.status).toBe(403);
      expect(routeError(router, 'smart', { excludedProviders: ['openai', 'anthropic', 'openrouter'] }).code).toBe(
        ErrorCode.FORBIDDEN,
      );
      expect(routeError(router, 'direct/openai/gpt-4o', { allowedProviders: ['anthropic'] }).code).toBe(
        ErrorCode.FORBIDDEN,
      );
    });

    it('still reports NO_HEALTHY_TARGET, not FORBIDDEN, when nothing was enabled in the first place', () => {
      expect(routeError(router, 'dead', { allowedProviders: ['anthropic'] }).code).toBe(ErrorCode.NO_HEALTHY_TARGET);
    });
  });

  describe('api type and target settings', () => {
    it('picks the URL map entry that matches the incoming format', () => {
      const chat = router.route({ model: 'dual', incoming: 'chat', policy: NO_POLICY }).targets[0];
      expect(chat).toMatchObject({ apiType: 'chat', baseUrl: 'https://multi.example.com/openai/v1' });
      const messages = router.route({ model: 'dual', incoming: 'messages', policy: NO_POLICY }).targets[0];
      expect(messages).toMatchObject({ apiType: 'messages', baseUrl: 'https://multi.example.com/anthropic' });
    });

    it("falls back to the URL map's first type when the incoming format is not offered", () => {
      const target = router.route({ model: 'dual', incoming: 'gemini', policy: NO_POLICY }).targets[0];
      expect(target).toMatchObject({ apiType: 'messages', baseUrl: 'https://multi.example.com/anthropic' });
    });

    it('infers messages from an anthropic.com URL and gemini from a Google URL, whatever came in', () => {
      expect(
        router.route({ model: 'direct/anthropic/claude-sonnet', incoming: 'chat', policy: NO_POLICY }).targets[0]
          ?.apiType,
      ).toBe('messages');
      expect(
        router.route({ model: 'direct/gemini/gemini-2.5-pro', incoming: 'chat', policy: NO_POLICY }).targets[0]
          ?.apiType,
      ).toBe('gemini');
    });

    it('treats any other single URL as chat', () => {
      expect(
        router.route({ model: 'direct/openrouter/x', incoming: 'messages', policy: NO_POLICY }).targets[0]?.apiType,
      ).toBe('chat');
    });

    it('merges extraBody provider first, then model', () => {
      const target = router.route({ model: 'direct/openai/gpt-4o', incoming: 'chat', policy: NO_POLICY }).targets[0];
      expect(target?.extraBody).toEqual({ service_tier: 'flex', shared: 'model', store: false });
    });

    it('takes timeoutMs and headers from the provider settings, null and {} when unset', () => {
      const openai = router.route({ model: 'direct/openai/gpt-4o', incoming: 'chat', policy: NO_POLICY }).targets[0];
      expect(openai?.timeoutMs).toBe(30_000);
      expect(openai?.headers).toEqual({ 'OpenAI-Organization': 'org-1' });
      const anthropic = router.route({ model: 'direct/anthropic/claude-sonnet', incoming: 'chat', policy: NO_POLICY })
        .targets[0];
      expect(anthropic?.timeoutMs).toBeNull();
      expect(anthropic?.headers).toEqual({});
      expect(anthropic?.extraBody).toEqual({});
    });
  });

  describe('priority api_match', () => {
    const targets = [
      { provider: 'openai', model: 'gpt-4o' },
      { provider: 'anthropic', model: 'claude-sonnet' },
    ];

    it("keeps only the group's targets that speak the client's format", async () => {
      const matching = await buildRouter(PROVIDERS, [
        alias('native', { priority: 'api_match', targetGroups: [{ name: 'g', selector: 'in_order', targets }] }),
        alias('plain', { targetGroups: [{ name: 'g', selector: 'in_order', targets }] }),
      ]);
      expect(names(matching.route({ model: 'native', incoming: 'messages', policy: NO_POLICY }).targets)).toEqual([
        'anthropic/claude-sonnet',
      ]);
      expect(names(matching.route({ model: 'native', incoming: 'chat', policy: NO_POLICY }).targets)).toEqual([
        'openai/gpt-4o',
      ]);
      expect(names(matching.route({ model: 'plain', incoming: 'messages', policy: NO_POLICY }).targets)).toEqual([
        'openai/gpt-4o',
        'anthropic/claude-sonnet',
      ]);
    });

    it('keeps every target when none speaks the format', async () => {
      const matching = await buildRouter(PROVIDERS, [
        alias('native', { priority: 'api_match', targetGroups: [{ name: 'g', selector: 'in_order', targets }] }),
      ]);
      expect(names(matching.route({ model: 'native', incoming: 'gemini', policy: NO_POLICY }).targets)).toEqual([
        'openai/gpt-4o',
        'anthropic/claude-sonnet',
      ]);
    });
  });

  describe('configuration reload', () => {
    it('sees providers and aliases only after reload(), and lets a slug win over another alias of the same name', async () => {
      const providers = [provider('p1')];
      const aliases = [
        alias('a', {
          additionalAliases: ['b'],
          targetGroups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'p1', model: 'from-a' }] }],
        }),
        alias('b', {
          targetGroups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'p1', model: 'from-b' }] }],
        }),
      ];
      const custom = await buildRouter(providers, aliases);
      expect(custom.route({ model: 'b', incoming: 'chat', policy: NO_POLICY }).alias).toBe('b');
      expect(routeError(custom, 'smart').code).toBe(ErrorCode.MODEL_NOT_FOUND);
    });
  });
});

describe('RandomSelector', () => {
  const selector = new RandomSelector();
  const targets = ['a', 'b', 'c'].map((name) => ({ provider: name, model: 'm' }) as RouteTarget);
  const order = (): string[] => selector.order(targets).map((target) => target.provider);

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Math.random values that make Fisher-Yates pick j2 at i=2, then j1 at i=1. */
  const draws = (j2: number, j1: number): number[] => [(j2 + 0.5) / 3, (j1 + 0.5) / 2];

  function withDraws(values: number[]): string[] {
    const spy = jest.spyOn(Math, 'random');
    for (const value of values) spy.mockReturnValueOnce(value);
    const result = order();
    expect(spy).toHaveBeenCalledTimes(values.length);
    spy.mockRestore();
    return result;
  }

  it('keeps the order when every draw picks the element in place', () => {
    expect(withDraws(draws(2, 1))).toEqual(['a', 'b', 'c']);
  });

  it('reorders the targets', () => {
    expect(withDraws(draws(0, 0))).toEqual(['b', 'c', 'a']);
    expect(withDraws(draws(1, 0))).toEqual(['c', 'a', 'b']);
  });

  it('reaches each of the 3! orders from exactly one pair of draws: a uniform permutation', () => {
    const seen = new Set<string>();
    for (const j2 of [0, 1, 2]) {
      for (const j1 of [0, 1]) {
        const result = withDraws(draws(j2, j1));
        expect([...result].sort()).toEqual(['a', 'b', 'c']);
        seen.add(result.join(''));
      }
    }
    expect([...seen].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
  });

  it('returns a new array and leaves its input alone', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const input = [...targets];
    const result = selector.order(input);
    expect(result).not.toBe(input);
    expect(input).toEqual(targets);
  });

  it('handles zero and one target without drawing', () => {
    const spy = jest.spyOn(Math, 'random');
    expect(selector.order([])).toEqual([]);
    expect(selector.order([targets[0]])).toEqual([targets[0]]);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('InOrderSelector', () => {
  it('keeps the declared order in a new array', () => {
    const targets = ['a', 'b', 'c'].map((name) => ({ provider: name, model: 'm' }) as RouteTarget);
    const result = new InOrderSelector().order(targets);
    expect(result).toEqual(targets);
    expect(result).not.toBe(targets);
  });
});
