import {
  ErrorCode,
  GatewayException,
  type CanonicalMessage,
  type CanonicalResponse,
  type ContentPart,
  type Usage,
} from '@plexus/core';
import {
  decodeContentPart,
  decodeReasoningItem,
  encodeOutputText,
  groupAssistantParts,
} from './openai-responses-content';
import type { ResponsesOutputItem, ResponsesResponse } from './openai-responses.types';
import {
  decodeResponsesFinishReason,
  decodeResponsesUsage,
  encodeResponsesFinishReason,
  encodeResponsesUsage,
  type OutputTraits,
} from './openai-responses-usage';

/** Upstream Responses body to canonical. A `failed` body is an upstream error, not an answer. */
export function decodeResponsesResponse(body: unknown): CanonicalResponse {
  const response = body as Partial<ResponsesResponse> | null;
  if (!response || !Array.isArray(response.output)) {
    throw new GatewayException(ErrorCode.UPSTREAM_INVALID_RESPONSE, { message: 'Upstream response has no output' });
  }
  if (response.status === 'failed') {
    throw new GatewayException(ErrorCode.UPSTREAM_ERROR, {
      message: response.error?.message ?? 'Upstream response failed',
    });
  }
  const traits: OutputTraits = { toolCalls: false, refusal: false };
  const content = response.output.flatMap((item) => decodeOutputItem(item, traits));
  return {
    id: response.id ?? '',
    model: response.model ?? '',
    created: response.created_at ?? Math.floor(Date.now() / 1000),
    content,
    finishReason: decodeResponsesFinishReason(response.status, response.incomplete_details?.reason, traits),
    ...(response.usage && { usage: decodeResponsesUsage(response.usage) }),
    extensions: {},
  };
}

/** Hosted-tool items (web search, code interpreter...) have no canonical form and are left out. */
function decodeOutputItem(item: ResponsesOutputItem, traits: OutputTraits): ContentPart[] {
  switch (item.type) {
    case 'message':
      traits.refusal ||= item.content.some((part) => part.type === 'refusal');
      return item.content.flatMap((part) => decodeContentPart(part) ?? []);
    case 'reasoning':
      return decodeReasoningItem(item);
    case 'function_call':
      traits.toolCalls = true;
      return [{ type: 'tool_call', id: item.call_id, name: item.name, arguments: item.arguments }];
    default:
      return [];
  }
}

export function encodeResponsesResponse(response: CanonicalResponse, options: { id?: string } = {}): ResponsesResponse {
  const id = options.id ?? response.id;
  const terminal = encodeResponsesFinishReason(response.finishReason);
  return responsesResponseObject({
    id,
    model: response.model,
    createdAt: response.created,
    ...terminal,
    output: encodeOutputItems(response.content, id, {
      refusal: response.finishReason === 'refusal',
      incomplete: terminal.status === 'incomplete',
    }),
    usage: response.usage ?? null,
  });
}

/**
 * The Responses item id of the output item at `index`: derived from the response id, so that
 * streamed events and the final response object name the same items.
 */
export function outputItemId(prefix: 'msg' | 'rs' | 'fc', responseId: string, index: number): string {
  return `${prefix}_${responseId.replace(/^resp_/, '')}_${index}`;
}

/**
 * A refusal has no canonical part of its own: an answer that finished with `refusal` is
 * rendered as refusal content, which decodes back to text plus that finish reason.
 */
function encodeOutputItems(
  content: ContentPart[],
  responseId: string,
  flags: { refusal: boolean; incomplete: boolean },
): ResponsesOutputItem[] {
  return groupAssistantParts(content).map((group, index): ResponsesOutputItem => {
    switch (group.kind) {
      case 'message':
        return {
          id: outputItemId('msg', responseId, index),
          type: 'message',
          status: flags.incomplete ? 'incomplete' : 'completed',
          content: group.parts.map((part) =>
            flags.refusal ? { type: 'refusal', refusal: part.text } : encodeOutputText(part),
          ),
          role: 'assistant',
        };
      case 'reasoning':
        return {
          id: outputItemId('rs', responseId, index),
          type: 'reasoning',
          ...(group.signature !== undefined && { encrypted_content: group.signature }),
          summary: group.summary,
        };
      case 'function_call':
        return {
          id: outputItemId('fc', responseId, index),
          type: 'function_call',
          status: 'completed',
          arguments: group.part.arguments,
          call_id: group.part.id,
          name: group.part.name,
        };
    }
  });
}

export interface ResponseObjectFields {
  id: string;
  model: string;
  createdAt: number;
  status: ResponsesResponse['status'];
  incomplete_details?: ResponsesResponse['incomplete_details'];
  error?: ResponsesResponse['error'];
  output: ResponsesOutputItem[];
  usage: Usage | null;
}

/**
 * A response object with the fields the SDKs require. Request settings echoed by OpenAI
 * (temperature, tools...) are not known here and get neutral values.
 */
export function responsesResponseObject(fields: ResponseObjectFields): ResponsesResponse {
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    error:
      fields.error ??
      (fields.status === 'failed'
        ? { code: 'server_error', message: 'The model failed to generate a response.' }
        : null),
    incomplete_details: fields.incomplete_details ?? null,
    instructions: null,
    metadata: {},
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: true,
    temperature: null,
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    usage: fields.usage === null ? null : encodeResponsesUsage(fields.usage),
  };
}

/**
 * The assistant turn a response adds to the conversation: what the gateway stores under the
 * response id, to prepend when a later request names it as `previous_response_id`.
 */
export function responseOutputMessages(response: CanonicalResponse): CanonicalMessage[] {
  return response.content.length > 0 ? [{ role: 'assistant', content: [...response.content] }] : [];
}
