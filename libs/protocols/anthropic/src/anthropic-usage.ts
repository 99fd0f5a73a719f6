import type { FinishReason, Usage } from '@plexus/core';
import type { AnthropicDeltaUsage, AnthropicStopReason, AnthropicUsage } from './anthropic.types';

/** Anthropic's convention is the canonical one: every number maps across unchanged. */
export function decodeAnthropicUsage(usage: AnthropicUsage | AnthropicDeltaUsage): Usage {
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  };
}

export function encodeAnthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
    ...(usage.reasoningTokens > 0 && { output_tokens_details: { thinking_tokens: usage.reasoningTokens } }),
  };
}

/** A `message_delta` usage is cumulative and may leave fields null: those keep their earlier value. */
export function mergeAnthropicUsage(previous: Usage, delta: AnthropicDeltaUsage): Usage {
  return {
    inputTokens: delta.input_tokens ?? previous.inputTokens,
    outputTokens: delta.output_tokens ?? previous.outputTokens,
    cacheReadTokens: delta.cache_read_input_tokens ?? previous.cacheReadTokens,
    cacheWriteTokens: delta.cache_creation_input_tokens ?? previous.cacheWriteTokens,
    reasoningTokens: delta.output_tokens_details?.thinking_tokens ?? previous.reasoningTokens,
  };
}

export function decodeAnthropicStopReason(reason: AnthropicStopReason | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'refusal';
    case 'pause_turn':
      return 'pause';
    case 'end_turn':
    case null:
    case undefined:
      return 'stop';
  }
}

/** Anthropic has no content-filter or error reason: a filter is reported as its refusal. */
export function encodeAnthropicStopReason(reason: FinishReason): AnthropicStopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
    case 'refusal':
      return 'refusal';
    case 'pause':
      return 'pause_turn';
    case 'stop':
    case 'error':
      return 'end_turn';
  }
}
