import { Logger } from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import type { AliasRecord, AliasRepository, ProviderRecord, ProviderRepository } from '@plexus/persistence';
import type { CooldownService } from './cooldown/cooldown.service';
import { RouterService } from './router.service';
import { RoutingConfigService } from './routing-config.service';
import { InOrderSelector } from './selectors/in-order.selector';

Logger.overrideLogger(false);

const PROVIDERS: ProviderRecord[] = [
  {
    slug: 'openai',
    displayName: null,
    apiBaseUrl: 'https://api.openai.com/v1',
    apiKey: 'k',
    enabled: true,
    settings: {},
    models: [],
  },
  {
    slug: 'mapped',
    displayName: null,
    apiBaseUrl: {
      messages: 'https://m.example.com/anthropic',
      chat: 'https://m.example.com/openai/v1',
      embeddings: 'https://m.example.com/embed/v1',
    },
    apiKey: 'k',
    enabled: true,
    settings: {},
    models: [],
  },
  {
    slug: 'google',
    displayName: null,
    apiBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    apiKey: 'k',
    enabled: true,
    settings: {},
    models: [],
  },
  {
    slug: 'claude',
    displayName: null,
    apiBaseUrl: { messages: 'https://c.example.com', default: 'https://c.example.com/default' },
    apiKey: 'k',
    enabled: true,
    settings: {},
    models: [],
  },
];

function alias(slug: string, aliasType: string): AliasRecord {
  return {
    slug,
    aliasType,
    priority: 'selector',
    additionalAliases: [],
    settings: {},
    targetGroups: [
      {
        name: 'g',
        selector: 'in_order',
        targets: [
          { provider: 'mapped', model: 'm' },
          { provider: 'openai', model: 'o' },
          { provider: 'claude', model: 'c' },
        ],
      },
    ],
  };
}

async function buildRouter(): Promise<RouterService> {
  const config = new RoutingConfigService(
    { findAll: () => Promise.resolve(PROVIDERS) } as unknown as ProviderRepository,
    {
      findAll: () =>
        Promise.resolve([
          alias('embed', 'embeddings'),
          alias('chat', 'text'),
          alias('tts', 'speech'),
          alias('draw', 'image'),
        ]),
    } as unknown as AliasRepository,
  );
  await config.reload();
  return new RouterService(config, [new InOrderSelector()], { coolingUntil: () => null } as unknown as CooldownService);
}

describe('RouterService, media endpoints', () => {
  let router: RouterService;
  beforeAll(async () => {
    router = await buildRouter();
  });

  it("routes to the endpoint's own URL, else the OpenAI-compatible one, else default, with the media type as the target's type", () => {
    const plan = router.route({ model: 'embed', incoming: 'embeddings', policy: {} });
    expect(plan.targets.map((target) => [target.apiType, target.baseUrl])).toEqual([
      ['embeddings', 'https://m.example.com/embed/v1'],
      ['embeddings', 'https://api.openai.com/v1'],
      ['embeddings', 'https://c.example.com/default'],
    ]);
    expect(router.route({ model: 'tts', incoming: 'speech', policy: {} }).targets[0].baseUrl).toBe(
      'https://m.example.com/openai/v1',
    );
    expect(router.route({ model: 'draw', incoming: 'images', policy: {} }).targets[0].apiType).toBe('images');
  });

  it('refuses an alias of another type with a 400 naming both types, chat endpoints included', () => {
    let error: unknown;
    try {
      router.route({ model: 'chat', incoming: 'embeddings', policy: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayException);
    expect((error as GatewayException).code).toBe(ErrorCode.INVALID_REQUEST);
    expect((error as GatewayException).status).toBe(400);
    expect((error as GatewayException).message).toBe(
      "The model 'chat' is a 'text' alias; this endpoint needs an 'embeddings' alias",
    );
    expect(() => router.route({ model: 'embed', incoming: 'speech', policy: {} })).toThrow(
      /is an 'embeddings' alias; this endpoint needs a 'speech' alias/,
    );
    expect(() => router.route({ model: 'draw', incoming: 'chat', policy: {} })).toThrow(
      /is an 'image' alias; this endpoint needs a 'text' alias/,
    );
    expect(() => router.route({ model: 'tts', incoming: 'messages', policy: {} })).toThrow(/needs a 'text' alias/);
    expect(router.route({ model: 'chat', incoming: 'chat', policy: {} }).targets).toHaveLength(3);
  });

  it('sends embeddings for a Gemini-only provider through Gemini, and other media endpoints as they are', () => {
    const embeddings = router.route({ model: 'direct/google/text-embedding-004', incoming: 'embeddings', policy: {} })
      .targets[0];
    expect([embeddings.apiType, embeddings.baseUrl]).toEqual([
      'gemini',
      'https://generativelanguage.googleapis.com/v1beta',
    ]);
    expect(router.route({ model: 'direct/google/imagen', incoming: 'images', policy: {} }).targets[0].apiType).toBe(
      'images',
    );
  });

  it('routes direct/<provider>/<model> without an alias type', () => {
    const plan = router.route({ model: 'direct/openai/text-embedding-3-small', incoming: 'embeddings', policy: {} });
    expect(plan.targets.map((target) => [target.model, target.apiType, target.baseUrl])).toEqual([
      ['text-embedding-3-small', 'embeddings', 'https://api.openai.com/v1'],
    ]);
  });

  it("applies the key's provider deny list", () => {
    const plan = router.route({ model: 'embed', incoming: 'embeddings', policy: { excludedProviders: ['mapped'] } });
    expect(plan.targets.map((target) => target.provider)).toEqual(['openai', 'claude']);
  });
});
