import type { FinishReason, Usage } from '@plexus/core';
import type { GeminiFinishReason, GeminiUsageMetadata } from './gemini.types';

/**
 * Gemini counts the cached prompt inside `promptTokenCount` and thoughts outside
 * `candidatesTokenCount`: canonical input takes the cache out, canonical output puts the
 * thoughts in. Tool-use prompt tokens (search results the model read) are input too.
 */
export function decodeGeminiUsage(usage: GeminiUsageMetadata): Usage {
  const cached = usage.cachedContentTokenCount ?? 0;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  return {
    inputTokens: Math.max(0, (usage.promptTokenCount ?? 0) - cached) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** Gemini has no cache-write count: those tokens are part of the prompt it read. */
export function encodeGeminiUsage(usage: Usage): GeminiUsageMetadata {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: Math.max(0, usage.outputTokens - usage.reasoningTokens),
    totalTokenCount: prompt + usage.outputTokens,
    ...(usage.cacheReadTokens > 0 && { cachedContentTokenCount: usage.cacheReadTokens }),
    ...(usage.reasoningTokens > 0 && { thoughtsTokenCount: usage.reasoningTokens }),
  };
}

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Gemini says STOP after function calls too: `hasToolCalls` turns that into `tool_calls`.
 * Reasons that mean the generation went wrong (malformed or unexpected function calls,
 * an unsupported language, OTHER) become `error`.
 */
export function decodeGeminiFinishReason(reason: string | null | undefined, hasToolCalls = false): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && FILTERED.has(reason)) return 'content_filter';
  if (!reason || reason === 'STOP' || reason === 'FINISH_REASON_UNSPECIFIED')
    return hasToolCalls ? 'tool_calls' : 'stop';
  return 'error';
}

export function encodeGeminiFinishReason(reason: FinishReason): GeminiFinishReason {
  switch (reason) {
    case 'stop':
    case 'stop_sequence':
    case 'tool_calls':
    case 'pause':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
    case 'refusal':
      return 'SAFETY';
    case 'error':
      return 'OTHER';
  }
}
