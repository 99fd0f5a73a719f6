import type { ModelPricing } from '@plexus/core';

export const CATALOG_SOURCES = ['openrouter', 'models.dev', 'catwalk'] as const;
/** The reference's metadata catalogs; catwalk is named for compatibility but never loaded. */
export type CatalogSource = (typeof CATALOG_SOURCES)[number];

/** A catalog entry in the reference's normalized shape (what `/v1/metadata/lookup` answers). */
export interface NormalizedModelMetadata {
  name: string;
  description?: string;
  context_length?: number;
  architecture?: { input_modalities?: string[]; output_modalities?: string[]; tokenizer?: string };
  /** USD per million tokens. */
  pricing?: { prompt?: number; completion?: number; input_cache_read?: number; input_cache_write?: number };
  supported_parameters?: string[];
  top_provider?: { context_length?: number; max_completion_tokens?: number };
}

/** One model of a catalog, with what the gateway uses it for: default prices and the context window. */
export interface CatalogModel {
  source: Exclude<CatalogSource, 'catwalk'>;
  /** `<provider>/<model>`: the entry's `source_path`. */
  path: string;
  provider: string;
  model: string;
  name: string;
  contextLength: number | null;
  maxOutputTokens: number | null;
  pricing: ModelPricing | null;
  metadata: NormalizedModelMetadata;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const positive = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
const price = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

/** Prompts above this many tokens use models.dev's `context_over_200k` prices. */
const LONG_CONTEXT_TOKENS = 200_000;

/** models.dev `cost` (USD per million tokens) as pricing: simple, or tiered when it has long-context prices. */
function modelsDevPricing(cost: unknown): ModelPricing | null {
  if (!isRecord(cost)) return null;
  const rates = (
    record: Json,
  ): { input_per_m?: number; output_per_m?: number; cached_per_m?: number; cache_write_per_m?: number } => ({
    ...(price(record['input']) !== undefined && { input_per_m: price(record['input']) }),
    ...(price(record['output']) !== undefined && { output_per_m: price(record['output']) }),
    ...(price(record['cache_read']) !== undefined && { cached_per_m: price(record['cache_read']) }),
    ...(price(record['cache_write']) !== undefined && { cache_write_per_m: price(record['cache_write']) }),
  });
  const base = rates(cost);
  if (base.input_per_m === undefined && base.output_per_m === undefined) return null;
  const long = cost['context_over_200k'];
  if (isRecord(long)) {
    return {
      source: 'defined',
      range: [
        { lower_bound: 0, upper_bound: LONG_CONTEXT_TOKENS, ...base },
        { lower_bound: LONG_CONTEXT_TOKENS + 1, ...base, ...rates(long) },
      ],
    };
  }
  return {
    source: 'simple',
    ...(base.input_per_m !== undefined && { input: base.input_per_m }),
    ...(base.output_per_m !== undefined && { output: base.output_per_m }),
    ...(base.cached_per_m !== undefined && { cached: base.cached_per_m }),
    ...(base.cache_write_per_m !== undefined && { cache_write: base.cache_write_per_m }),
  };
}

/** models.dev's `api.json`: a map of provider id to the provider and its `models` map. Malformed entries are skipped. */
export function parseModelsDev(json: unknown): CatalogModel[] {
  if (!isRecord(json)) throw new Error('models.dev catalog is not a JSON object');
  const models: CatalogModel[] = [];
  for (const [providerId, provider] of Object.entries(json)) {
    if (!isRecord(provider) || !isRecord(provider['models'])) continue;
    for (const [modelId, entry] of Object.entries(provider['models'])) {
      if (!isRecord(entry)) continue;
      const limit = isRecord(entry['limit']) ? entry['limit'] : {};
      const cost = isRecord(entry['cost']) ? entry['cost'] : {};
      const modalities = isRecord(entry['modalities']) ? entry['modalities'] : {};
      const name = typeof entry['name'] === 'string' ? entry['name'] : modelId;
      const contextLength = positive(limit['context']);
      const maxOutputTokens = positive(limit['output']);
      const supported = [
        ...(entry['tool_call'] === true ? ['tools', 'tool_choice'] : []),
        ...(entry['reasoning'] === true ? ['reasoning'] : []),
        ...(entry['temperature'] === true ? ['temperature'] : []),
        ...(entry['structured_output'] === true ? ['structured_outputs'] : []),
      ];
      models.push({
        source: 'models.dev',
        path: `${providerId}/${modelId}`,
        provider: providerId,
        model: modelId,
        name,
        contextLength,
        maxOutputTokens,
        pricing: modelsDevPricing(cost),
        metadata: {
          name,
          ...(contextLength !== null && { context_length: contextLength }),
          architecture: {
            ...(strings(modalities['input']) && { input_modalities: strings(modalities['input']) }),
            ...(strings(modalities['output']) && { output_modalities: strings(modalities['output']) }),
          },
          pricing: {
            ...(price(cost['input']) !== undefined && { prompt: price(cost['input']) }),
            ...(price(cost['output']) !== undefined && { completion: price(cost['output']) }),
            ...(price(cost['cache_read']) !== undefined && { input_cache_read: price(cost['cache_read']) }),
            ...(price(cost['cache_write']) !== undefined && { input_cache_write: price(cost['cache_write']) }),
          },
          supported_parameters: supported,
          top_provider: {
            ...(contextLength !== null && { context_length: contextLength }),
            ...(maxOutputTokens !== null && { max_completion_tokens: maxOutputTokens }),
          },
        },
      });
    }
  }
  return models;
}

/** OpenRouter's string rate (USD per token), as a number; absent or negative ("-1": variable) is unknown. */
function perToken(value: unknown): number | undefined {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/** OpenRouter's `GET /api/v1/models` answer (`{data: [...]}`), prices in USD per token. */
export function parseOpenRouter(json: unknown): CatalogModel[] {
  if (!isRecord(json) || !Array.isArray(json['data'])) throw new Error('OpenRouter catalog has no data array');
  const models: CatalogModel[] = [];
  for (const entry of json['data'] as unknown[]) {
    if (!isRecord(entry) || typeof entry['id'] !== 'string') continue;
    const id = entry['id'];
    const slash = id.indexOf('/');
    const pricing = isRecord(entry['pricing']) ? entry['pricing'] : {};
    const top = isRecord(entry['top_provider']) ? entry['top_provider'] : {};
    const architecture = isRecord(entry['architecture']) ? entry['architecture'] : {};
    const name = typeof entry['name'] === 'string' ? entry['name'] : id;
    const contextLength = positive(top['context_length']) ?? positive(entry['context_length']);
    const maxOutputTokens = positive(top['max_completion_tokens']);
    const rates = {
      prompt: perToken(pricing['prompt']),
      completion: perToken(pricing['completion']),
      input_cache_read: perToken(pricing['input_cache_read']),
      input_cache_write: perToken(pricing['input_cache_write']),
    };
    const perMillion = (rate: number): number => Math.round(rate * 1e6 * 1e6) / 1e6;
    models.push({
      source: 'openrouter',
      path: id,
      provider: slash > 0 ? id.slice(0, slash) : 'openrouter',
      model: slash > 0 ? id.slice(slash + 1) : id,
      name,
      contextLength,
      maxOutputTokens,
      pricing:
        rates.prompt === undefined && rates.completion === undefined
          ? null
          : {
              source: 'openrouter',
              ...Object.fromEntries(Object.entries(rates).filter(([, rate]) => rate !== undefined)),
            },
      metadata: {
        name,
        ...(typeof entry['description'] === 'string' && { description: entry['description'] }),
        ...(positive(entry['context_length']) !== null && {
          context_length: positive(entry['context_length']) as number,
        }),
        architecture: {
          ...(strings(architecture['input_modalities']) && {
            input_modalities: strings(architecture['input_modalities']),
          }),
          ...(strings(architecture['output_modalities']) && {
            output_modalities: strings(architecture['output_modalities']),
          }),
          ...(typeof architecture['tokenizer'] === 'string' && { tokenizer: architecture['tokenizer'] }),
        },
        pricing: Object.fromEntries(
          Object.entries(rates).flatMap(([key, rate]): Array<[string, number]> =>
            rate === undefined ? [] : [[key, perMillion(rate)]],
          ),
        ),
        ...(strings(entry['supported_parameters']) && { supported_parameters: strings(entry['supported_parameters']) }),
        top_provider: {
          ...(contextLength !== null && { context_length: contextLength }),
          ...(maxOutputTokens !== null && { max_completion_tokens: maxOutputTokens }),
        },
      },
    });
  }
  return models;
}
