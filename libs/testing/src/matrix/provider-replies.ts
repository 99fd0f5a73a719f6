import type { AnthropicMessagesResponse, AnthropicStreamEvent } from '@plexus/protocols/anthropic';
import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from '@plexus/protocols/gemini';
import type { ChatCompletionChunk, ChatCompletionResponse, ChatUsage } from '@plexus/protocols/openai-chat';
import type {
  ResponsesFunctionCallItem,
  ResponsesOutputMessage,
  ResponsesResponse,
  ResponsesStreamEvent,
  ResponsesUsage,
} from '@plexus/protocols/openai-responses';
import type { ScriptedEvent } from '../scripted-upstream';
import { ANSWER } from './conversation';

/**
 * The standard answer (text, then one `get_weather` call; 42 input tokens of which 10
 * cached, 17 output) as each provider format sends it: a whole body, a full stream, and
 * the first events of a stream that then stalls.
 */
export interface ProviderReplies {
  body(model: string): unknown;
  stream(model: string): ScriptedEvent[];
  /** The opening events, up to and including the first text delta. */
  partialStream(model: string): ScriptedEvent[];
  /** The call id the client should see, when the format carries one. */
  callId: string | undefined;
}

const ARGUMENTS = JSON.stringify(ANSWER.call.arguments);
const TOTAL = ANSWER.usage.input + ANSWER.usage.output;
const CREATED = 1_764_000_000;

// ---- OpenAI Chat Completions: prompt_tokens counts the cached tokens too ----

const chatUsage: ChatUsage = {
  prompt_tokens: ANSWER.usage.input,
  completion_tokens: ANSWER.usage.output,
  total_tokens: TOTAL,
  prompt_tokens_details: { cached_tokens: ANSWER.usage.cached },
  completion_tokens_details: { reasoning_tokens: 0 },
};

function chatChunk(
  model: string,
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): string {
  const chunk: ChatCompletionChunk = {
    id: 'chatcmpl-matrix',
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return JSON.stringify(chunk);
}

export const chatReplies: ProviderReplies = {
  callId: ANSWER.call.id,
  body: (model): ChatCompletionResponse => ({
    id: 'chatcmpl-matrix',
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: ANSWER.text,
          tool_calls: [
            { id: ANSWER.call.id, type: 'function', function: { name: ANSWER.call.name, arguments: ARGUMENTS } },
          ],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ],
    usage: chatUsage,
  }),
  stream: (model) => {
    const usageChunk: ChatCompletionChunk = {
      id: 'chatcmpl-matrix',
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices: [],
      usage: chatUsage,
    };
    return [
      chatChunk(model, { role: 'assistant', content: '' }),
      ...ANSWER.textPieces.map((content) => chatChunk(model, { content })),
      chatChunk(model, {
        tool_calls: [
          { index: 0, id: ANSWER.call.id, type: 'function', function: { name: ANSWER.call.name, arguments: '' } },
        ],
      }),
      ...ANSWER.call.argumentPieces.map((piece) =>
        chatChunk(model, { tool_calls: [{ index: 0, function: { arguments: piece } }] }),
      ),
      chatChunk(model, {}, 'tool_calls'),
      JSON.stringify(usageChunk),
      '[DONE]',
    ];
  },
  partialStream: (model) => [
    chatChunk(model, { role: 'assistant', content: '' }),
    chatChunk(model, { content: ANSWER.textPieces[0] }),
  ],
};

// ---- OpenAI Responses: input_tokens counts the cached tokens too ----

const responsesUsage: ResponsesUsage = {
  input_tokens: ANSWER.usage.input,
  input_tokens_details: { cached_tokens: ANSWER.usage.cached },
  output_tokens: ANSWER.usage.output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: TOTAL,
};
const MESSAGE_ID = 'msg_matrix';
const CALL_ITEM_ID = 'fc_matrix';
const outputMessage: ResponsesOutputMessage = {
  type: 'message',
  id: MESSAGE_ID,
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text: ANSWER.text, annotations: [] }],
};
const callItem: ResponsesFunctionCallItem & { id: string } = {
  type: 'function_call',
  id: CALL_ITEM_ID,
  call_id: ANSWER.call.id,
  name: ANSWER.call.name,
  arguments: ARGUMENTS,
  status: 'completed',
};

function responseObject(model: string, status: ResponsesResponse['status'], done: boolean): ResponsesResponse {
  return {
    id: 'resp_matrix',
    object: 'response',
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    model,
    output: done ? [outputMessage, callItem] : [],
    parallel_tool_calls: true,
    temperature: 0.3,
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    usage: done ? responsesUsage : null,
  };
}

type UnsequencedEvent = ResponsesStreamEvent extends infer E
  ? E extends unknown
    ? Omit<E, 'sequence_number'>
    : never
  : never;

function responsesEvents(model: string): UnsequencedEvent[] {
  const text = { item_id: MESSAGE_ID, output_index: 0, content_index: 0 };
  const call = { item_id: CALL_ITEM_ID, output_index: 1 };
  return [
    { type: 'response.created', response: responseObject(model, 'in_progress', false) },
    { type: 'response.in_progress', response: responseObject(model, 'in_progress', false) },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { ...outputMessage, status: 'in_progress', content: [] },
    },
    { type: 'response.content_part.added', ...text, part: { type: 'output_text', text: '', annotations: [] } },
    ...ANSWER.textPieces.map((delta): UnsequencedEvent => ({ type: 'response.output_text.delta', ...text, delta })),
    { type: 'response.output_text.done', ...text, text: ANSWER.text },
    { type: 'response.content_part.done', ...text, part: { type: 'output_text', text: ANSWER.text, annotations: [] } },
    { type: 'response.output_item.done', output_index: 0, item: outputMessage },
    {
      type: 'response.output_item.added',
      output_index: 1,
      item: { ...callItem, arguments: '', status: 'in_progress' },
    },
    ...ANSWER.call.argumentPieces.map((delta): UnsequencedEvent => ({
      type: 'response.function_call_arguments.delta',
      ...call,
      delta,
    })),
    { type: 'response.function_call_arguments.done', ...call, arguments: ARGUMENTS },
    { type: 'response.output_item.done', output_index: 1, item: callItem },
    { type: 'response.completed', response: responseObject(model, 'completed', true) },
  ];
}

function sequenced(events: UnsequencedEvent[]): ScriptedEvent[] {
  return events.map((event, index) => ({
    event: event.type,
    data: JSON.stringify({ ...event, sequence_number: index }),
  }));
}

export const responsesReplies: ProviderReplies = {
  callId: ANSWER.call.id,
  body: (model) => responseObject(model, 'completed', true),
  stream: (model) => sequenced(responsesEvents(model)),
  partialStream: (model) => sequenced(responsesEvents(model).slice(0, 5)),
};

// ---- Anthropic Messages: input_tokens excludes the cache reads ----

const ANTHROPIC_CALL_ID = 'toolu_matrix_lyon';
const anthropicUsage = {
  input_tokens: ANSWER.usage.input - ANSWER.usage.cached,
  cache_read_input_tokens: ANSWER.usage.cached,
  cache_creation_input_tokens: 0,
  output_tokens: ANSWER.usage.output,
};

function anthropicEvents(model: string): AnthropicStreamEvent[] {
  return [
    {
      type: 'message_start',
      message: {
        id: 'msg_matrix',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...anthropicUsage, output_tokens: 1 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ...ANSWER.textPieces.map((text): AnthropicStreamEvent => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    })),
    { type: 'content_block_stop', index: 0 },
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: ANTHROPIC_CALL_ID, name: ANSWER.call.name, input: {} },
    },
    ...ANSWER.call.argumentPieces.map((partial_json): AnthropicStreamEvent => ({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json },
    })),
    { type: 'content_block_stop', index: 1 },
    // Older API versions report only output_tokens here: the rest must come from message_start.
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: ANSWER.usage.output },
    },
    { type: 'message_stop' },
  ];
}

function named(events: AnthropicStreamEvent[]): ScriptedEvent[] {
  return events.map((event) => ({ event: event.type, data: JSON.stringify(event) }));
}

export const messagesReplies: ProviderReplies = {
  callId: ANTHROPIC_CALL_ID,
  body: (model): AnthropicMessagesResponse => ({
    id: 'msg_matrix',
    type: 'message',
    role: 'assistant',
    model,
    content: [
      { type: 'text', text: ANSWER.text },
      { type: 'tool_use', id: ANTHROPIC_CALL_ID, name: ANSWER.call.name, input: ANSWER.call.arguments },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: anthropicUsage,
  }),
  stream: (model) => named(anthropicEvents(model)),
  partialStream: (model) => named(anthropicEvents(model).slice(0, 3)),
};

// ---- Gemini: promptTokenCount counts the cached tokens too; calls carry no ids ----

const geminiUsage: GeminiUsageMetadata = {
  promptTokenCount: ANSWER.usage.input,
  cachedContentTokenCount: ANSWER.usage.cached,
  candidatesTokenCount: ANSWER.usage.output,
  totalTokenCount: TOTAL,
};

function geminiChunks(model: string): GeminiGenerateContentResponse[] {
  const base = { modelVersion: model, responseId: 'gemini-matrix' };
  const [first = '', ...rest] = ANSWER.textPieces;
  return [
    {
      ...base,
      candidates: [{ content: { role: 'model', parts: [{ text: first }] }, index: 0 }],
      usageMetadata: { promptTokenCount: ANSWER.usage.input, totalTokenCount: ANSWER.usage.input },
    },
    ...rest.map((text) => ({ ...base, candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] })),
    {
      ...base,
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ functionCall: { name: ANSWER.call.name, args: { ...ANSWER.call.arguments } } }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: geminiUsage,
    },
  ];
}

export const geminiReplies: ProviderReplies = {
  callId: undefined,
  body: (model): GeminiGenerateContentResponse => ({
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            { text: ANSWER.text },
            { functionCall: { name: ANSWER.call.name, args: { ...ANSWER.call.arguments } } },
          ],
        },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: geminiUsage,
    modelVersion: model,
    responseId: 'gemini-matrix',
  }),
  stream: (model) => geminiChunks(model).map((chunk) => JSON.stringify(chunk)),
  partialStream: (model) =>
    geminiChunks(model)
      .slice(0, 1)
      .map((chunk) => JSON.stringify(chunk)),
};
