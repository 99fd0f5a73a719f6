import { calculateCost } from '@plexus/core';
import { CatalogIndex } from './catalog-index';
import { parseModelsDev, parseOpenRouter } from './catalog-model';
import snapshot from './models-dev.snapshot.json';

const tokens = { input: 1_000_000, output: 1_000_000, cached: 1_000_000, cacheWrite: 1_000_000 };

describe('model catalog', () => {
  const index = new CatalogIndex(parseModelsDev(snapshot));

  it('loads the shipped models.dev snapshot: prices per million tokens and context windows', () => {
    expect(index.size).toBeGreaterThan(30);
    const sonnet = index.find('claude-sonnet-4-20250514');
    expect(sonnet).toMatchObject({ provider: 'anthropic', contextLength: 200_000, maxOutputTokens: 64_000 });
    expect(calculateCost({ tokens, pricing: sonnet?.pricing ?? undefined })).toMatchObject({
      input: 3,
      output: 15,
      cached: 0.3,
      cacheWrite: 3.75,
    });
  });

  it.each([
    ['gpt-4o', 'openai/gpt-4o'],
    ['openai/gpt-4o', 'openai/gpt-4o'],
    ['GPT-4o', 'openai/gpt-4o'],
    ['gpt-4o-2024-08-06', 'openai/gpt-4o'],
    ['models/gemini-2.5-flash', 'google/gemini-2.5-flash'],
    ['deepseek/deepseek-chat:free', 'deepseek/deepseek-chat'],
    ['claude-3-5-haiku-latest', 'anthropic/claude-3-5-haiku-latest'],
  ])('finds %s as %s', (name, path) => {
    expect(index.find(name)?.path).toBe(path);
  });

  it('finds nothing for unknown models', () => {
    expect(index.find('my-local-llama')).toBeNull();
  });

  it('prices long prompts at the long-context rates models.dev gives (context_over_200k)', () => {
    const pricing = index.find('gemini-2.5-pro')?.pricing ?? undefined;
    expect(
      calculateCost({ tokens: { input: 100_000, output: 1_000_000, cached: 0, cacheWrite: 0 }, pricing }).output,
    ).toBe(10);
    expect(
      calculateCost({ tokens: { input: 300_000, output: 1_000_000, cached: 0, cacheWrite: 0 }, pricing }).output,
    ).toBe(15);
  });

  it('prefers the model maker, or the provider named, when several catalog providers list a model', () => {
    const both = new CatalogIndex(
      parseModelsDev({
        reseller: {
          id: 'reseller',
          models: {
            'gpt-4o': { id: 'gpt-4o', name: 'resold', cost: { input: 9, output: 9 }, limit: { context: 1, output: 1 } },
          },
        },
        openai: {
          id: 'openai',
          models: {
            'gpt-4o': {
              id: 'gpt-4o',
              name: 'GPT-4o',
              cost: { input: 2.5, output: 10 },
              limit: { context: 128000, output: 16384 },
            },
          },
        },
      }),
    );
    expect(both.find('gpt-4o')?.provider).toBe('openai');
    expect(both.find('gpt-4o', 'reseller')?.provider).toBe('reseller');
  });

  it("reads OpenRouter's catalog: USD per token strings, the top provider's context window", () => {
    const models = parseOpenRouter({
      data: [
        {
          id: 'anthropic/claude-sonnet-4',
          name: 'Anthropic: Claude Sonnet 4',
          context_length: 1_000_000,
          pricing: {
            prompt: '0.000003',
            completion: '0.000015',
            input_cache_read: '0.0000003',
            input_cache_write: '0.00000375',
          },
          top_provider: { context_length: 200_000, max_completion_tokens: 64_000 },
          architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'], tokenizer: 'Claude' },
        },
        { name: 'no id' },
      ],
    });
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      path: 'anthropic/claude-sonnet-4',
      provider: 'anthropic',
      contextLength: 200_000,
    });
    expect(calculateCost({ tokens, pricing: models[0].pricing ?? undefined })).toMatchObject({
      input: 3,
      output: 15,
      cached: 0.3,
      cacheWrite: 3.75,
    });
    expect(models[0].metadata.pricing).toEqual({
      prompt: 3,
      completion: 15,
      input_cache_read: 0.3,
      input_cache_write: 3.75,
    });
  });

  it('rejects catalogs of the wrong shape', () => {
    expect(() => parseModelsDev([])).toThrow();
    expect(() => parseOpenRouter({ models: [] })).toThrow();
  });
});
