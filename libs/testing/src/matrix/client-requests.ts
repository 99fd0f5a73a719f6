import type { AnthropicMessagesRequest } from '@plexus/protocols/anthropic';
import type { GeminiGenerateContentRequest } from '@plexus/protocols/gemini';
import type { ChatCompletionRequest } from '@plexus/protocols/openai-chat';
import type { ResponsesRequest } from '@plexus/protocols/openai-responses';
import { CONVERSATION } from './conversation';

/**
 * The standard conversation (system instruction; user text and a PNG; an earlier
 * `get_weather` call and its result; a follow-up question; one tool; 300 max tokens;
 * temperature 0.3) as each client format writes it.
 */

const { tool, earlierCall, image } = CONVERSATION;
const EARLIER_ARGUMENTS = JSON.stringify(earlierCall.arguments);
const DATA_URL = `data:${image.mimeType};base64,${image.base64}`;

export function chatRequest(model: string, stream: boolean): ChatCompletionRequest {
  return {
    model,
    messages: [
      { role: 'system', content: CONVERSATION.system },
      {
        role: 'user',
        content: [
          { type: 'text', text: CONVERSATION.userText },
          { type: 'image_url', image_url: { url: DATA_URL } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: earlierCall.id, type: 'function', function: { name: tool.name, arguments: EARLIER_ARGUMENTS } },
        ],
      },
      { role: 'tool', tool_call_id: earlierCall.id, content: CONVERSATION.toolResult },
      { role: 'user', content: CONVERSATION.question },
    ],
    tools: [
      { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.schema } },
    ],
    max_completion_tokens: CONVERSATION.maxTokens,
    temperature: CONVERSATION.temperature,
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  };
}

/** `store` undefined leaves it out: the API's default, true. */
export function responsesRequest(model: string, stream: boolean, store: boolean | undefined): ResponsesRequest {
  return {
    model,
    instructions: CONVERSATION.system,
    input: [
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: CONVERSATION.userText },
          { type: 'input_image', image_url: DATA_URL, detail: 'auto' },
        ],
      },
      { type: 'function_call', call_id: earlierCall.id, name: tool.name, arguments: EARLIER_ARGUMENTS },
      { type: 'function_call_output', call_id: earlierCall.id, output: CONVERSATION.toolResult },
      { type: 'message', role: 'user', content: CONVERSATION.question },
    ],
    tools: [
      { type: 'function', name: tool.name, description: tool.description, parameters: tool.schema, strict: false },
    ],
    max_output_tokens: CONVERSATION.maxTokens,
    temperature: CONVERSATION.temperature,
    ...(store !== undefined && { store }),
    ...(stream && { stream: true }),
  };
}

/** Anthropic alternates roles: the tool result and the follow-up question share one user turn. */
export function messagesRequest(model: string, stream: boolean): AnthropicMessagesRequest {
  const callId = 'toolu_matrix_paris';
  return {
    model,
    max_tokens: CONVERSATION.maxTokens,
    temperature: CONVERSATION.temperature,
    system: CONVERSATION.system,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: CONVERSATION.userText },
          { type: 'image', source: { type: 'base64', media_type: image.mimeType, data: image.base64 } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: callId, name: tool.name, input: { ...earlierCall.arguments } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: callId, content: CONVERSATION.toolResult },
          { type: 'text', text: CONVERSATION.question },
        ],
      },
    ],
    tools: [{ name: tool.name, description: tool.description, input_schema: tool.schema }],
    ...(stream && { stream: true }),
  };
}

/** Gemini links a function response to its call by name; the body names no model. */
export function geminiRequest(): GeminiGenerateContentRequest {
  return {
    systemInstruction: { parts: [{ text: CONVERSATION.system }] },
    contents: [
      {
        role: 'user',
        parts: [{ text: CONVERSATION.userText }, { inlineData: { mimeType: image.mimeType, data: image.base64 } }],
      },
      { role: 'model', parts: [{ functionCall: { name: tool.name, args: { ...earlierCall.arguments } } }] },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: tool.name, response: { result: CONVERSATION.toolResult } } },
          { text: CONVERSATION.question },
        ],
      },
    ],
    tools: [
      { functionDeclarations: [{ name: tool.name, description: tool.description, parametersJsonSchema: tool.schema }] },
    ],
    generationConfig: { maxOutputTokens: CONVERSATION.maxTokens, temperature: CONVERSATION.temperature },
  };
}
