import type { ApiFormat } from './api-format';
import type { CacheControl, ContentPart } from './content';

/** Instructions given before the conversation (system prompt, developer message). */
export interface InstructionBlock {
  role: 'system' | 'developer';
  text: string;
  cacheControl?: CacheControl;
}

/**
 * One conversation turn. Tool results travel as `tool_result` parts of a user turn
 * (the Anthropic and Gemini shape); the OpenAI encoders split them into `tool` messages.
 * A `system` turn is an instruction that appeared mid-conversation.
 */
export interface CanonicalMessage {
  role: 'user' | 'assistant' | 'system';
  content: ContentPart[];
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** Effort levels and token budgets both live here; encoders translate one into the other. */
export interface ReasoningConfig {
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Ask the upstream to return its thoughts (Gemini includeThoughts, Responses summary). */
  includeThoughts?: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };

export interface SamplingParams {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  n?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

/**
 * What a decoder could not map to a common meaning, kept per format so that a
 * same-format encoder can restore it (e.g. OpenAI `logit_bias`, Gemini `safetySettings`).
 */
export type FormatExtensions = Partial<Record<ApiFormat, Record<string, unknown>>>;

export interface CanonicalRequest {
  /** The model the client asked for (an alias, or `direct/<provider>/<model>`). */
  model: string;
  instructions: InstructionBlock[];
  messages: CanonicalMessage[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  sampling: SamplingParams;
  reasoning?: ReasoningConfig;
  responseFormat?: ResponseFormat;
  stream: boolean;
  /** The client asked for usage in the stream (`stream_options.include_usage`). */
  streamUsage: boolean;
  user?: string;
  metadata?: Record<string, string>;
  extensions: FormatExtensions;
}
