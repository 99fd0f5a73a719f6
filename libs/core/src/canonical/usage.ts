/**
 * Token usage in one shape for every format.
 *
 * `inputTokens` excludes cached reads and cache writes (Anthropic's convention), so the
 * four input buckets add up to everything the model read without double counting.
 * `outputTokens` includes reasoning (OpenAI's convention); `reasoningTokens` is the part
 * of it spent thinking.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Cost the upstream itself reported (e.g. OpenRouter), in USD. */
  reportedCostUsd?: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

export function totalInputTokens(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

export function totalTokens(usage: Usage): number {
  return totalInputTokens(usage) + usage.outputTokens;
}
