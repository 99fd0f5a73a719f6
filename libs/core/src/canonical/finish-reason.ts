/**
 * Why generation stopped. `stop_sequence` is kept apart from `stop` because Anthropic
 * reports it separately; formats without the distinction fold it into `stop`.
 */
export const FINISH_REASONS = [
  'stop',
  'stop_sequence',
  'length',
  'tool_calls',
  'content_filter',
  'refusal',
  'pause',
  'error',
] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];
