import { ErrorCode, GatewayException, type CanonicalResponse, type FinishReason, type Usage } from '@plexus/core';
import type { CompletionFinishReason, CompletionResponse, CompletionUsage } from './openai-completions.types';

export function decodeCompletionUsage(usage: CompletionUsage): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage.prompt_tokens ?? 0) - cached),
    outputTokens: usage.completion_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

export function encodeCompletionUsage(usage: Usage): CompletionUsage {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
  };
}

export function decodeCompletionFinishReason(reason: CompletionFinishReason | null | undefined): FinishReason {
  return reason === 'length' ? 'length' : reason === 'content_filter' ? 'content_filter' : 'stop';
}

export function encodeCompletionFinishReason(reason: FinishReason): CompletionFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    case 'stop':
    case 'stop_sequence':
    case 'tool_calls':
    case 'pause':
    case 'error':
      return 'stop';
  }
}

export function decodeCompletionResponse(body: unknown): CanonicalResponse {
  const response = body as Partial<CompletionResponse> | null;
  const choice = response?.choices?.[0];
  if (!response || !choice) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, { message: 'Upstream completion has no choices' });
  }
  return {
    id: response.id ?? '',
    model: response.model ?? '',
    created: response.created ?? Math.floor(Date.now() / 1000),
    content: choice.text ? [{ type: 'text', text: choice.text }] : [],
    finishReason: decodeCompletionFinishReason(choice.finish_reason),
    ...(response.usage && { usage: decodeCompletionUsage(response.usage) }),
    extensions: {},
  };
}

/** Only the answer's text: thinking and tool calls have no place in a completion. */
export function encodeCompletionResponse(response: CanonicalResponse): CompletionResponse {
  const text = response.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  return {
    id: response.id,
    object: 'text_completion',
    created: response.created,
    model: response.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: encodeCompletionFinishReason(response.finishReason) }],
    ...(response.usage && { usage: encodeCompletionUsage(response.usage) }),
  };
}
