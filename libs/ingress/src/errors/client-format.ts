import type { GatewayErrorBody } from '@plexus/core';
import { encodeAnthropicErrorBody } from '@plexus/protocols/anthropic';
import { encodeGeminiErrorBody } from '@plexus/protocols/gemini';
import { encodeChatErrorBody } from '@plexus/protocols/openai-chat';
import { encodeResponsesErrorBody } from '@plexus/protocols/openai-responses';

/** The wire formats clients speak; legacy completions and the media routes answer errors as OpenAI does. */
export type ClientFormat = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'openai-completions';

export const CLIENT_FORMATS: readonly ClientFormat[] = [
  'openai-chat',
  'openai-responses',
  'anthropic',
  'gemini',
  'openai-completions',
];

/**
 * Path prefix -> client format, first match wins. Decided from the URL alone, so a request
 * refused before its route runs (body parser, body limit, content type, timeouts, unknown
 * path) is answered in the format its SDK parses, however the route itself is registered.
 */
const FORMAT_BY_PATH: ReadonlyArray<readonly [prefix: string, format: ClientFormat]> = [
  ['/v1/messages', 'anthropic'],
  ['/v1beta/', 'gemini'],
  ['/v1/responses', 'openai-responses'],
  ['/v1/codex/responses', 'openai-responses'],
  ['/v1/conversations', 'openai-responses'],
  ['/v1/completions', 'openai-completions'],
  ['/completions', 'openai-completions'],
  // chat completions, models, embeddings, audio, images, metadata: OpenAI's shape
  ['/v1/', 'openai-chat'],
];

/** The client format of an inference path, or null for management, console and other paths. */
export function clientFormatOfPath(url: string): ClientFormat | null {
  const path = url.split('?', 1)[0] ?? '';
  if (path === '/v1' || path === '/v1beta') return path === '/v1' ? 'openai-chat' : 'gemini';
  for (const [prefix, format] of FORMAT_BY_PATH) {
    if (path === prefix || path.startsWith(prefix)) return format;
  }
  return null;
}

/** The error body a client of `format` parses. */
export function encodeClientError(format: ClientFormat, error: GatewayErrorBody): unknown {
  switch (format) {
    case 'openai-chat':
    case 'openai-completions':
      return encodeChatErrorBody(error);
    case 'openai-responses':
      return encodeResponsesErrorBody(error);
    case 'anthropic':
      return encodeAnthropicErrorBody(error);
    case 'gemini':
      return encodeGeminiErrorBody(error);
  }
}
