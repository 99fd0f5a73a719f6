import { ErrorCode, GatewayException, type CanonicalResponse, type ContentPart } from '@plexus/core';
import type { ChatCompletionResponse } from './openai-chat.types';
import { decodeChatFinishReason, decodeChatUsage, encodeChatFinishReason, encodeChatUsage } from './openai-chat-usage';

/** Upstream Chat Completions body to canonical (first choice; n>1 needs the pass-through path). */
export function decodeChatResponse(body: unknown): CanonicalResponse {
  const response = body as Partial<ChatCompletionResponse> | null;
  const choice = response?.choices?.[0];
  if (!response || !choice?.message) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, { message: 'Upstream response has no choices' });
  }
  const content: ContentPart[] = [];
  const message = choice.message;
  const reasoning = message.reasoning_content ?? (message as { reasoning?: string }).reasoning;
  if (reasoning) content.push({ type: 'thinking', text: reasoning });
  if (message.content) content.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? []) {
    content.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return {
    id: response.id ?? '',
    model: response.model ?? '',
    created: response.created ?? Math.floor(Date.now() / 1000),
    content,
    finishReason: message.refusal ? 'refusal' : decodeChatFinishReason(choice.finish_reason),
    ...(response.usage && { usage: decodeChatUsage(response.usage) }),
    extensions: {},
  };
}

export function encodeChatResponse(response: CanonicalResponse): ChatCompletionResponse {
  const text = response.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('');
  const reasoning = response.content
    .filter((part) => part.type === 'thinking')
    .map((part) => part.text)
    .join('');
  const toolCalls = response.content.filter((part) => part.type === 'tool_call');
  return {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(reasoning !== '' && { reasoning_content: reasoning }),
          ...(toolCalls.length > 0 && {
            tool_calls: toolCalls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
        },
        finish_reason: encodeChatFinishReason(response.finishReason),
        logprobs: null,
      },
    ],
    ...(response.usage && { usage: encodeChatUsage(response.usage) }),
  };
}
