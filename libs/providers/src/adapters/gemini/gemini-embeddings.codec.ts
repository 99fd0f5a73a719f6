import { ErrorCode, GatewayException } from '@plexus/core';

/** A Gemini embeddings call for an OpenAI embeddings body: its action and body. */
export interface GeminiEmbeddingsRequest {
  action: 'embedContent' | 'batchEmbedContents';
  body: Record<string, unknown>;
}

/**
 * OpenAI `{input, dimensions}` as Gemini's `:embedContent` (one input) or
 * `:batchEmbedContents` (several), as the reference does. Token arrays have no Gemini
 * equivalent and are refused.
 */
export function encodeGeminiEmbeddings(json: Record<string, unknown>, model: string): GeminiEmbeddingsRequest {
  const input = json['input'];
  const texts =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.every((item) => typeof item === 'string')
        ? input
        : null;
  if (!texts || texts.length === 0) {
    throw new GatewayException(ErrorCode.INVALID_REQUEST, {
      message: 'Gemini embeddings take text input: a string or an array of strings',
      param: 'input',
    });
  }
  const dimensions = typeof json['dimensions'] === 'number' ? { outputDimensionality: json['dimensions'] } : {};
  const content = (text: string): Record<string, unknown> => ({ content: { parts: [{ text }] }, ...dimensions });
  if (typeof input === 'string') return { action: 'embedContent', body: content(input) };
  return {
    action: 'batchEmbedContents',
    body: { requests: texts.map((text) => ({ model: `models/${model}`, ...content(text) })) },
  };
}

/** Gemini's `{embedding}` or `{embeddings[]}` as an OpenAI embeddings list. */
export function decodeGeminiEmbeddings(body: unknown, model: string): Record<string, unknown> {
  const answer = (body ?? {}) as { embedding?: { values?: unknown }; embeddings?: Array<{ values?: unknown }> };
  const vectors = answer.embeddings ?? (answer.embedding ? [answer.embedding] : null);
  if (!vectors || vectors.some((vector) => !Array.isArray(vector.values))) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, {
      message: 'Gemini sent an embeddings answer without embedding values',
    });
  }
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: vector.values })),
    model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
