import type {
  CanonicalMessage,
  CanonicalRequest,
  ContentPart,
  MediaSource,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
} from '@plexus/core';
import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatResponseFormat,
  ChatToolChoice,
} from './openai-chat.types';

export interface ChatEncodeOptions {
  /** The upstream model name that replaces the client's alias. */
  model: string;
}

/**
 * Canonical request to an upstream Chat Completions body. Streams always ask for usage,
 * whatever the client asked: Plexus records it either way.
 */
export function encodeChatRequest(request: CanonicalRequest, options: ChatEncodeOptions): ChatCompletionRequest {
  const messages: ChatMessage[] = request.instructions.map((block) => ({ role: block.role, content: block.text }));
  for (const message of request.messages) messages.push(...encodeMessage(message));

  const { sampling } = request;
  const body: ChatCompletionRequest = {
    ...(request.extensions.chat ?? {}),
    model: options.model,
    messages,
    ...(sampling.maxOutputTokens !== undefined && { max_completion_tokens: sampling.maxOutputTokens }),
    ...(sampling.temperature !== undefined && { temperature: sampling.temperature }),
    ...(sampling.topP !== undefined && { top_p: sampling.topP }),
    ...(sampling.stop !== undefined && { stop: sampling.stop }),
    ...(sampling.seed !== undefined && { seed: sampling.seed }),
    ...(sampling.n !== undefined && { n: sampling.n }),
    ...(sampling.presencePenalty !== undefined && { presence_penalty: sampling.presencePenalty }),
    ...(sampling.frequencyPenalty !== undefined && { frequency_penalty: sampling.frequencyPenalty }),
    ...(request.tools.length > 0 && {
      tools: request.tools.map((tool) => ({
        type: 'function' as const,
        function: {
          name: tool.name,
          ...(tool.description !== undefined && { description: tool.description }),
          parameters: tool.parameters,
          ...(tool.strict !== undefined && { strict: tool.strict }),
        },
      })),
    }),
    ...(request.toolChoice !== undefined && { tool_choice: encodeToolChoice(request.toolChoice) }),
    ...(request.parallelToolCalls !== undefined && { parallel_tool_calls: request.parallelToolCalls }),
    ...(request.responseFormat !== undefined && { response_format: encodeResponseFormat(request.responseFormat) }),
    ...(request.reasoning !== undefined &&
      reasoningEffortOf(request.reasoning) !== undefined && {
        reasoning_effort: reasoningEffortOf(request.reasoning),
      }),
    ...(request.user !== undefined && { user: request.user }),
    ...(request.metadata !== undefined && { metadata: request.metadata }),
  };
  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function encodeMessage(message: CanonicalMessage): ChatMessage[] {
  if (message.role === 'system') return [{ role: 'system', content: plainText(message.content) }];
  if (message.role === 'assistant') {
    const toolCalls = message.content.filter((part) => part.type === 'tool_call');
    const text = plainText(message.content);
    return [
      {
        role: 'assistant',
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0 && {
          tool_calls: toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        }),
        ...(message.name !== undefined && { name: message.name }),
      },
    ];
  }
  const out: ChatMessage[] = [];
  for (const part of message.content) {
    if (part.type === 'tool_result') {
      const parts = part.content.map(encodePart).filter((encoded) => encoded !== null);
      const onlyText = parts.every((encoded) => encoded.type === 'text');
      out.push({
        role: 'tool',
        tool_call_id: part.toolCallId,
        content: onlyText ? parts.map((encoded) => (encoded.type === 'text' ? encoded.text : '')).join('') : parts,
      });
    }
  }
  const rest = message.content.filter((part) => part.type !== 'tool_result');
  if (rest.length > 0 || out.length === 0) {
    const parts = rest.map(encodePart).filter((encoded) => encoded !== null);
    const onlyText = parts.length === 1 && parts[0]?.type === 'text';
    out.push({
      role: 'user',
      content: onlyText && parts[0]?.type === 'text' ? parts[0].text : parts,
      ...(message.name !== undefined && { name: message.name }),
    });
  }
  return out;
}

function plainText(content: ContentPart[]): string {
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function encodePart(part: ContentPart): ChatContentPart | null {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return {
        type: 'image_url',
        image_url: { url: urlOf(part.source), ...(part.detail !== undefined && { detail: part.detail }) },
      };
    case 'document':
      return part.source.kind === 'file'
        ? { type: 'file', file: { file_id: part.source.fileId } }
        : {
            type: 'file',
            file: { file_data: urlOf(part.source), ...(part.title !== undefined && { filename: part.title }) },
          };
    case 'audio':
      return part.source.kind === 'base64'
        ? {
            type: 'input_audio',
            input_audio: { data: part.source.data, format: part.source.mediaType.replace(/^audio\//, '') },
          }
        : null;
    case 'thinking':
    case 'redacted_thinking':
    case 'tool_call':
    case 'tool_result':
      return null;
  }
}

function urlOf(source: MediaSource): string {
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'base64':
      return `data:${source.mediaType};base64,${source.data}`;
    case 'file':
      return source.fileId;
  }
}

function encodeToolChoice(choice: ToolChoice): ChatToolChoice {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}

function encodeResponseFormat(format: ResponseFormat): ChatResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.strict !== undefined && { strict: format.strict }),
      ...(format.description !== undefined && { description: format.description }),
    },
  };
}

/** Thinking budgets become the nearest effort level. */
function reasoningEffortOf(reasoning: ReasoningConfig): string | undefined {
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined) return undefined;
  if (budget <= 0) return 'none';
  if (budget <= 1024) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}
