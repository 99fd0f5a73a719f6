import type { FinishReason, Usage } from '@plexus/core';
import type { ResponsesResponse, ResponsesStatus, ResponsesUsage } from './openai-responses.types';

/** `input_tokens` includes cached reads (and cache writes, where reported): both come out of `inputTokens`. */
export function decodeResponsesUsage(usage: ResponsesUsage): Usage {
  const cached = usage.input_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage.input_tokens_details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage.input_tokens ?? 0) - cached - cacheWrite),
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    ...(typeof usage.cost === 'number' && { reportedCostUsd: usage.cost }),
  };
}

export function encodeResponsesUsage(usage: Usage): ResponsesUsage {
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: usage.cacheReadTokens,
      // Only written when non-zero: OpenAI's own schema has no such field.
      ...(usage.cacheWriteTokens > 0 && { cache_write_tokens: usage.cacheWriteTokens }),
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
}

/** What the output held, since a `completed` status alone does not say why the model stopped. */
export interface OutputTraits {
  toolCalls: boolean;
  refusal: boolean;
}

export function decodeResponsesFinishReason(
  status: ResponsesStatus | undefined,
  incompleteReason: string | undefined,
  traits: OutputTraits,
): FinishReason {
  switch (status) {
    case 'incomplete':
      return incompleteReason === 'content_filter' ? 'content_filter' : 'length';
    case 'failed':
    case 'cancelled':
      return 'error';
    case 'completed':
    case 'in_progress':
    case 'queued':
    case undefined:
      if (traits.toolCalls) return 'tool_calls';
      return traits.refusal ? 'refusal' : 'stop';
  }
}

/** The terminal status (and incomplete reason) that carries a canonical finish reason. */
export function encodeResponsesFinishReason(
  reason: FinishReason,
): Pick<ResponsesResponse, 'status' | 'incomplete_details'> & { status: 'completed' | 'incomplete' | 'failed' } {
  switch (reason) {
    case 'length':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incomplete_details: null };
    case 'stop':
    case 'stop_sequence':
    case 'tool_calls':
    case 'refusal':
    case 'pause':
      return { status: 'completed', incomplete_details: null };
  }
}
