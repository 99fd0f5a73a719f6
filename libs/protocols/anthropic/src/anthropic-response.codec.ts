import { ErrorCode, GatewayException, emptyUsage, type CanonicalResponse, type ContentPart } from '@plexus/core';
import { decodeBlock, parseToolInput } from './anthropic-content';
import type { AnthropicMessagesResponse, AnthropicResponseBlock } from './anthropic.types';
import {
  decodeAnthropicStopReason,
  decodeAnthropicUsage,
  encodeAnthropicStopReason,
  encodeAnthropicUsage,
} from './anthropic-usage';

/** Upstream Messages body to canonical. Server-tool blocks have no canonical meaning and are left out. */
export function decodeAnthropicResponse(body: unknown): CanonicalResponse {
  const response = body as Partial<AnthropicMessagesResponse> | null;
  if (!response || !Array.isArray(response.content)) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, { message: 'Upstream response has no content' });
  }
  const toolNames = new Map<string, string>();
  return {
    id: response.id ?? '',
    model: response.model ?? '',
    // Anthropic bodies carry no creation time.
    created: Math.floor(Date.now() / 1000),
    content: response.content.map((block) => decodeBlock(block, toolNames)).filter((part) => part !== null),
    finishReason: decodeAnthropicStopReason(response.stop_reason),
    ...(typeof response.stop_sequence === 'string' && { stopSequence: response.stop_sequence }),
    ...(response.usage && { usage: decodeAnthropicUsage(response.usage) }),
    extensions: {},
  };
}

/**
 * Canonical answer to a Messages body. Thinking keeps its signature (an empty one when
 * the reasoning came from a format without signatures); media parts cannot be answers.
 */
export function encodeAnthropicResponse(response: CanonicalResponse): AnthropicMessagesResponse {
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: response.content.map(encodeResponseBlock).filter((block) => block !== null),
    stop_reason: encodeAnthropicStopReason(response.finishReason),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeAnthropicUsage(response.usage ?? emptyUsage()),
  };
}

function encodeResponseBlock(part: ContentPart): AnthropicResponseBlock | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : { type: 'text', text: part.text };
    case 'thinking':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool_call':
      return { type: 'tool_use', id: part.id, name: part.name, input: parseToolInput(part.arguments) };
    case 'image':
    case 'document':
    case 'audio':
    case 'tool_result':
      return null;
  }
}
