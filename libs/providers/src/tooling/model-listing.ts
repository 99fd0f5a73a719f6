import type { ApiFormat, UpstreamEndpoint, UpstreamModelInfo } from '@plexus/core';

const ANTHROPIC_VERSION = '2023-06-01';

/** How one upstream API type lists its models: where, with which credentials, and how to read the answer. */
export interface ModelListing {
  url(endpoint: UpstreamEndpoint): string;
  authHeaders(apiKey: string | null): Record<string, string>;
  /** The models in the body, or null when the body is not this API's listing. */
  decode(body: unknown): UpstreamModelInfo[] | null;
}

const trimmed = (url: string): string => url.replace(/\/+$/, '');

const bearer = (apiKey: string | null): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});

function records(value: unknown): Array<Record<string, unknown>> | null {
  return Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : null;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

/** OpenAI `GET {base}/models`: `{object:'list', data:[{id, created, owned_by}]}`; Ollama's `{models:[{name}]}` too. */
const OPENAI: ModelListing = {
  url: (endpoint) => `${trimmed(endpoint.baseUrl)}/models`,
  authHeaders: bearer,
  decode(body) {
    const data = records(field(body, 'data'));
    if (data) {
      return data
        .filter((model) => typeof model['id'] === 'string')
        .map((model) => ({
          id: model['id'] as string,
          object: 'model',
          ...(typeof model['created'] === 'number' && { created: model['created'] }),
          ...(typeof model['owned_by'] === 'string' && { owned_by: model['owned_by'] }),
        }));
    }
    const ollama = records(field(body, 'models'));
    return ollama
      ? ollama
          .filter((model) => typeof model['name'] === 'string')
          .map((model) => ({ id: model['name'] as string, object: 'model' }))
      : null;
  },
};

/** Anthropic `GET /v1/models?limit=1000`: `{data:[{id, display_name, created_at, type:'model'}], has_more}`. */
const ANTHROPIC: ModelListing = {
  url(endpoint) {
    const base = trimmed(endpoint.baseUrl);
    return `${base.endsWith('/v1') ? base : `${base}/v1`}/models?limit=1000`;
  },
  authHeaders: (apiKey) => ({ 'anthropic-version': ANTHROPIC_VERSION, ...(apiKey ? { 'x-api-key': apiKey } : {}) }),
  decode(body) {
    const data = records(field(body, 'data'));
    if (!data) return null;
    return data
      .filter((model) => typeof model['id'] === 'string')
      .map((model) => {
        const created = typeof model['created_at'] === 'string' ? Date.parse(model['created_at']) : NaN;
        return {
          id: model['id'] as string,
          object: 'model' as const,
          ...(Number.isFinite(created) && { created: Math.floor(created / 1000) }),
          ...(typeof model['display_name'] === 'string' && { display_name: model['display_name'] }),
          owned_by: 'anthropic',
        };
      });
  },
};

/** Gemini `GET /v1beta/models?pageSize=1000`: `{models:[{name:'models/<id>', displayName}], nextPageToken}`. */
const GEMINI: ModelListing = {
  url: (endpoint) => `${trimmed(endpoint.baseUrl).replace(/\/v1beta.*$/, '')}/v1beta/models?pageSize=1000`,
  authHeaders: (apiKey): Record<string, string> => (apiKey ? { 'x-goog-api-key': apiKey } : {}),
  decode(body) {
    const models = records(field(body, 'models'));
    if (!models) return null;
    return models
      .filter((model) => typeof model['name'] === 'string')
      .map((model) => ({
        id: (model['name'] as string).replace(/^models\//, ''),
        object: 'model' as const,
        ...(typeof model['displayName'] === 'string' && { display_name: model['displayName'] }),
        owned_by: 'google',
      }));
  },
};

export const MODEL_LISTINGS: Record<ApiFormat, ModelListing> = {
  chat: OPENAI,
  responses: OPENAI,
  completions: OPENAI,
  messages: ANTHROPIC,
  gemini: GEMINI,
};
