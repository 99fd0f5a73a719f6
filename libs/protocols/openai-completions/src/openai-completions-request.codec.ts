import { ErrorCode, GatewayException, type CanonicalRequest, type ContentPart } from '@plexus/core';
import type { CompletionRequest } from './openai-completions.types';

const MAPPED_FIELDS = new Set([
  'model',
  'prompt',
  'suffix',
  'max_tokens',
  'temperature',
  'top_p',
  'n',
  'stream',
  'stream_options',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'user',
]);

/**
 * Chat models answer rather than continue: these instructions make them continue, and
 * with a suffix fill the middle, returning only the new text.
 */
export const CONTINUE_INSTRUCTION =
  'Continue the text the user sends exactly from where it stops. Reply with the continuation only: no preamble, no quotes, no markdown fences.';
export const FILL_IN_THE_MIDDLE_INSTRUCTION =
  'The user sends a prefix and a suffix marked <|fim_prefix|>, <|fim_suffix|> and <|fim_middle|>. Reply with exactly the text that belongs between them, nothing else.';

function invalid(message: string, param: string): GatewayException {
  return new GatewayException(ErrorCode.INVALID_REQUEST, { message, param });
}

export function assertCompletionRequest(body: unknown): asserts body is CompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('Request body must be a JSON object', 'body');
  const request = body as Record<string, unknown>;
  if (typeof request['model'] !== 'string' || request['model'] === '')
    throw invalid('you must provide a model parameter', 'model');
  const prompt = request['prompt'];
  const isPrompt =
    typeof prompt === 'string' || (Array.isArray(prompt) && prompt.every((item) => typeof item === 'string'));
  if (!isPrompt) throw invalid("'prompt' must be a string or an array of strings", 'prompt');
}

/**
 * A completion request as a chat-shaped canonical request. Several prompts in one
 * request have no canonical meaning: they are joined, and only the pass-through path
 * answers them one by one.
 */
export function decodeCompletionRequest(body: unknown): CanonicalRequest {
  assertCompletionRequest(body);
  const prompt = Array.isArray(body.prompt) ? body.prompt.join('') : body.prompt;
  const suffix = typeof body.suffix === 'string' && body.suffix !== '' ? body.suffix : undefined;
  const text = suffix === undefined ? prompt : `<|fim_prefix|>${prompt}<|fim_suffix|>${suffix}<|fim_middle|>`;
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!MAPPED_FIELDS.has(key)) extensions[key] = value;
  const stop = body.stop == null ? undefined : Array.isArray(body.stop) ? body.stop : [body.stop];
  return {
    model: body.model,
    instructions: [
      { role: 'system', text: suffix === undefined ? CONTINUE_INSTRUCTION : FILL_IN_THE_MIDDLE_INSTRUCTION },
    ],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    tools: [],
    sampling: {
      ...(body.max_tokens != null && { maxOutputTokens: body.max_tokens }),
      ...(body.temperature !== undefined && { temperature: body.temperature }),
      ...(body.top_p !== undefined && { topP: body.top_p }),
      ...(stop !== undefined && { stop }),
      ...(body.seed !== undefined && { seed: body.seed }),
      ...(body.n !== undefined && { n: body.n }),
      ...(body.presence_penalty !== undefined && { presencePenalty: body.presence_penalty }),
      ...(body.frequency_penalty !== undefined && { frequencyPenalty: body.frequency_penalty }),
    },
    stream: body.stream === true,
    streamUsage: body.stream === true && body.stream_options?.include_usage === true,
    ...(body.user !== undefined && { user: body.user }),
    extensions: Object.keys(extensions).length > 0 ? { completions: extensions } : {},
  };
}

function textOf(content: ContentPart[]): string {
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** A canonical conversation flattened into one prompt, for a completions upstream. */
export function encodeCompletionRequest(request: CanonicalRequest, options: { model: string }): CompletionRequest {
  const lines = [
    ...request.instructions.map((block) => block.text),
    ...request.messages.map((message) =>
      request.messages.length === 1 ? textOf(message.content) : `${message.role}: ${textOf(message.content)}`,
    ),
  ];
  const { sampling } = request;
  return {
    ...(request.extensions.completions ?? {}),
    model: options.model,
    prompt: request.messages.length === 1 && request.instructions.length === 0 ? lines.join('') : lines.join('\n\n'),
    ...(sampling.maxOutputTokens !== undefined && { max_tokens: sampling.maxOutputTokens }),
    ...(sampling.temperature !== undefined && { temperature: sampling.temperature }),
    ...(sampling.topP !== undefined && { top_p: sampling.topP }),
    ...(sampling.stop !== undefined && { stop: sampling.stop }),
    ...(sampling.seed !== undefined && { seed: sampling.seed }),
    ...(sampling.presencePenalty !== undefined && { presence_penalty: sampling.presencePenalty }),
    ...(sampling.frequencyPenalty !== undefined && { frequency_penalty: sampling.frequencyPenalty }),
    ...(request.stream && { stream: true, stream_options: { include_usage: true } }),
  };
}
