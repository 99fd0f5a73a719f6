/** Legacy OpenAI Completions wire shapes (`POST /v1/completions`). */

export interface CompletionRequest {
  model: string;
  prompt: string | string[];
  suffix?: string | null;
  max_tokens?: number | null;
  temperature?: number;
  top_p?: number;
  n?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  stop?: string | string[] | null;
  echo?: boolean;
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  user?: string;
  [extra: string]: unknown;
}

export type CompletionFinishReason = 'stop' | 'length' | 'content_filter';

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: unknown;
  finish_reason: CompletionFinishReason | null;
}

/** A whole answer, and (with `choices` holding deltas) one stream chunk. */
export interface CompletionResponse {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: CompletionUsage | null;
}
