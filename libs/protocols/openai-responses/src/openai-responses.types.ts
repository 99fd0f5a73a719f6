/** OpenAI Responses API wire shapes (the parts Plexus reads or writes). */

export interface ResponsesInputText {
  type: 'input_text';
  text: string;
}
export interface ResponsesInputImage {
  type: 'input_image';
  image_url?: string | null;
  file_id?: string | null;
  detail?: 'auto' | 'low' | 'high';
}
export interface ResponsesInputFile {
  type: 'input_file';
  file_data?: string;
  file_id?: string | null;
  file_url?: string;
  filename?: string;
}
/** Not in OpenAI's own input union; accepted by Responses-compatible upstreams (OpenRouter). */
export interface ResponsesInputAudio {
  type: 'input_audio';
  input_audio: { data: string; format: string };
}
export interface ResponsesUrlCitation {
  type: 'url_citation';
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}
export type ResponsesAnnotation =
  ResponsesUrlCitation | { type: 'file_citation' | 'container_file_citation' | 'file_path'; [key: string]: unknown };
export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: ResponsesAnnotation[];
  logprobs?: unknown[];
}
export interface ResponsesRefusal {
  type: 'refusal';
  refusal: string;
}

export type ResponsesInputContent = ResponsesInputText | ResponsesInputImage | ResponsesInputFile | ResponsesInputAudio;
export type ResponsesMessageContent = ResponsesInputContent | ResponsesOutputText | ResponsesRefusal;

/** A message item: `EasyInputMessage`, an input message or a replayed output message. */
export interface ResponsesMessageItem {
  type?: 'message';
  id?: string;
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | ResponsesMessageContent[];
  status?: 'in_progress' | 'completed' | 'incomplete';
}
export interface ResponsesFunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: 'in_progress' | 'completed' | 'incomplete';
}
export interface ResponsesFunctionCallOutputItem {
  type: 'function_call_output';
  id?: string | null;
  call_id: string;
  output: string | ResponsesInputContent[];
  status?: 'in_progress' | 'completed' | 'incomplete' | null;
}
export interface ResponsesSummaryText {
  type: 'summary_text';
  text: string;
}
export interface ResponsesReasoningItem {
  type: 'reasoning';
  id?: string;
  summary: ResponsesSummaryText[];
  /** Raw reasoning text, sent by open-weight models behind Responses-compatible servers. */
  content?: Array<{ type: 'reasoning_text'; text: string }>;
  encrypted_content?: string | null;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export type ResponsesInputItem =
  ResponsesMessageItem | ResponsesFunctionCallItem | ResponsesFunctionCallOutputItem | ResponsesReasoningItem;

export interface ResponsesOutputMessage {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: Array<ResponsesOutputText | ResponsesRefusal>;
}
export type ResponsesOutputItem =
  ResponsesOutputMessage | ResponsesReasoningItem | (ResponsesFunctionCallItem & { id: string });

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters: Record<string, unknown> | null;
  strict?: boolean | null;
}
/** Hosted tools (web_search, file_search, mcp, custom...) ride through untouched. */
export type ResponsesTool = ResponsesFunctionTool | { type: string; [key: string]: unknown };

export type ResponsesToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; name: string } | { type: string; [key: string]: unknown };

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean | null;
    };

export interface ResponsesReasoningConfig {
  effort?: string | null;
  summary?: 'auto' | 'concise' | 'detailed' | null;
  /** Deprecated spelling of `summary`. */
  generate_summary?: 'auto' | 'concise' | 'detailed' | null;
  [extra: string]: unknown;
}

export interface ResponsesRequest {
  model: string;
  input?: string | ResponsesInputItem[];
  instructions?: string | null;
  tools?: ResponsesTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: ResponsesReasoningConfig | null;
  text?: { format?: ResponsesTextFormat; verbosity?: string | null; [extra: string]: unknown };
  stream?: boolean | null;
  store?: boolean | null;
  include?: string[] | null;
  previous_response_id?: string | null;
  user?: string;
  metadata?: Record<string, string> | null;
  [extra: string]: unknown;
}

export interface ResponsesUsage {
  input_tokens: number;
  /** `cache_write_tokens` is Azure's and OpenRouter's addition; OpenAI reports only cached reads. */
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens: number;
  /** OpenRouter's provider-reported cost, USD. */
  cost?: number;
}

export type ResponsesStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

/** The response object (non-streamed body, and the `response` of lifecycle events). */
export interface ResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponsesStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason?: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  metadata: Record<string, string>;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: boolean;
  temperature: number | null;
  tool_choice: ResponsesToolChoice;
  tools: ResponsesTool[];
  top_p: number | null;
  usage: ResponsesUsage | null;
  [extra: string]: unknown;
}

interface Sequenced {
  sequence_number: number;
}
interface ItemRef extends Sequenced {
  item_id: string;
  output_index: number;
}
type Lifecycle =
  | 'response.created'
  | 'response.in_progress'
  | 'response.queued'
  | 'response.completed'
  | 'response.incomplete'
  | 'response.failed';

/** The stream events Plexus reads or writes; others (hosted tools, audio...) are ignored. */
export type ResponsesStreamEvent =
  | ({ type: Lifecycle; response: ResponsesResponse } & Sequenced)
  | ({ type: 'response.output_item.added'; output_index: number; item: ResponsesOutputItem } & Sequenced)
  | ({ type: 'response.output_item.done'; output_index: number; item: ResponsesOutputItem } & Sequenced)
  | ({
      type: 'response.content_part.added' | 'response.content_part.done';
      content_index: number;
      part: ResponsesOutputText | ResponsesRefusal;
    } & ItemRef)
  | ({
      type: 'response.output_text.delta' | 'response.refusal.delta';
      content_index: number;
      delta: string;
      logprobs?: unknown[];
    } & ItemRef)
  | ({ type: 'response.output_text.done'; content_index: number; text: string; logprobs?: unknown[] } & ItemRef)
  | ({ type: 'response.refusal.done'; content_index: number; refusal: string } & ItemRef)
  | ({
      type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
      summary_index: number;
      part: ResponsesSummaryText;
    } & ItemRef)
  | ({ type: 'response.reasoning_summary_text.delta'; summary_index: number; delta: string } & ItemRef)
  | ({ type: 'response.reasoning_summary_text.done'; summary_index: number; text: string } & ItemRef)
  | ({ type: 'response.reasoning_text.delta'; content_index: number; delta: string } & ItemRef)
  | ({ type: 'response.reasoning_text.done'; content_index: number; text: string } & ItemRef)
  | ({ type: 'response.function_call_arguments.delta'; delta: string } & ItemRef)
  | ({ type: 'response.function_call_arguments.done'; arguments: string; name?: string } & ItemRef)
  | ({ type: 'error'; code: string | null; message: string; param: string | null } & Sequenced);

export interface ResponsesErrorBody {
  error: {
    message: string;
    type: string;
    code?: string | number | null;
    param?: string | null;
    routing_context?: { provider: string; target_model: string };
  };
}
