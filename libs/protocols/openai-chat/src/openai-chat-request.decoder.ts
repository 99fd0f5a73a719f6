import {
  ErrorCode,
  GatewayException,
  type CanonicalMessage,
  type CanonicalRequest,
  type ContentPart,
  type InstructionBlock,
  type MediaSource,
  type ReasoningEffort,
  type ResponseFormat,
  type ToolChoice,
  type ToolResultPart,
} from '@plexus/core';
import type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatOtherTool,
  ChatTool,
  ChatToolChoice,
} from './openai-chat.types';

/**
 * Request fields with a canonical meaning; everything else rides in `extensions.chat`. `top_k`
 * rides there too: OpenAI itself refuses it, so only a chat client's own request carries it
 * back to a chat upstream (an OpenAI-compatible server that takes it).
 */
const MAPPED_FIELDS = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'seed',
  'n',
  'presence_penalty',
  'frequency_penalty',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'user',
  'metadata',
]);

const REASONING_EFFORTS = new Set<ReasoningEffort>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

function invalid(message: string, param: string): GatewayException {
  return new GatewayException(ErrorCode.INVALID_REQUEST, { message, param });
}

/** Checks the shape every later step relies on; the rest is the upstream's to judge. */
export function assertChatRequest(body: unknown): asserts body is ChatCompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('Request body must be a JSON object', 'body');
  }
  const request = body as Record<string, unknown>;
  if (typeof request['model'] !== 'string' || request['model'].length === 0) {
    throw invalid('you must provide a model parameter', 'model');
  }
  const messages = request['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalid("'messages' must be a non-empty array", 'messages');
  }
  messages.forEach((message: unknown, index) => {
    const role = (message as { role?: unknown } | null)?.role;
    if (typeof role !== 'string' || !['system', 'developer', 'user', 'assistant', 'tool'].includes(role)) {
      throw invalid(
        `messages[${index}].role must be one of system, developer, user, assistant, tool`,
        `messages[${index}].role`,
      );
    }
  });
}

export function decodeChatRequest(body: unknown): CanonicalRequest {
  assertChatRequest(body);
  const instructions: InstructionBlock[] = [];
  const messages: CanonicalMessage[] = [];
  for (const message of body.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOf(message.content);
      // Leading instructions become the system prompt; later ones stay in place.
      if (messages.length === 0) instructions.push({ role: message.role, text });
      else messages.push({ role: 'system', content: [{ type: 'text', text }] });
      continue;
    }
    if (message.role === 'tool') {
      appendToolResult(messages, {
        type: 'tool_result',
        toolCallId: message.tool_call_id ?? '',
        content: decodeParts(message.content).filter(
          (part): part is ToolResultPart['content'][number] =>
            part.type === 'text' || part.type === 'image' || part.type === 'document',
        ),
      });
      continue;
    }
    messages.push(decodeMessage(message));
  }

  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(key)) extensions[key] = value;
  }

  const maxOutputTokens = body.max_completion_tokens ?? body.max_tokens;
  const stop = body.stop == null ? undefined : Array.isArray(body.stop) ? body.stop : [body.stop];
  const effort = body.reasoning_effort as ReasoningEffort | undefined;
  return {
    model: body.model,
    instructions,
    messages,
    tools: (body.tools ?? []).filter(isFunctionTool).map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description !== undefined && { description: tool.function.description }),
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
      ...(tool.function.strict !== undefined && { strict: tool.function.strict }),
    })),
    ...(body.tool_choice !== undefined &&
      decodeToolChoice(body.tool_choice) !== undefined && {
        toolChoice: decodeToolChoice(body.tool_choice),
      }),
    ...(body.parallel_tool_calls !== undefined && { parallelToolCalls: body.parallel_tool_calls }),
    sampling: {
      ...(maxOutputTokens !== undefined && { maxOutputTokens }),
      ...(body.temperature !== undefined && { temperature: body.temperature }),
      ...(body.top_p !== undefined && { topP: body.top_p }),
      ...(body.top_k !== undefined && { topK: body.top_k }),
      ...(stop !== undefined && { stop }),
      ...(body.seed !== undefined && { seed: body.seed }),
      ...(body.n !== undefined && { n: body.n }),
      ...(body.presence_penalty !== undefined && { presencePenalty: body.presence_penalty }),
      ...(body.frequency_penalty !== undefined && { frequencyPenalty: body.frequency_penalty }),
    },
    ...(effort !== undefined && REASONING_EFFORTS.has(effort) && { reasoning: { effort } }),
    ...(body.response_format !== undefined && { responseFormat: decodeResponseFormat(body.response_format) }),
    stream: body.stream === true,
    streamUsage: body.stream === true && body.stream_options?.include_usage === true,
    ...(body.user !== undefined && { user: body.user }),
    ...(body.metadata !== undefined && { metadata: body.metadata }),
    extensions: Object.keys(extensions).length > 0 ? { chat: extensions } : {},
  };
}

function decodeMessage(message: ChatMessage): CanonicalMessage {
  const content: ContentPart[] = [];
  if (message.role === 'assistant' && message.reasoning_content) {
    content.push({ type: 'thinking', text: message.reasoning_content });
  }
  content.push(...decodeParts(message.content));
  for (const call of message.tool_calls ?? []) {
    content.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return {
    role: message.role === 'assistant' ? 'assistant' : 'user',
    content,
    ...(message.name !== undefined && { name: message.name }),
  };
}

/** Consecutive tool messages answer one assistant turn: they share one user turn. */
function appendToolResult(messages: CanonicalMessage[], result: ToolResultPart): void {
  const last = messages.at(-1);
  if (last?.role === 'user' && last.content.every((part) => part.type === 'tool_result')) {
    last.content.push(result);
  } else {
    messages.push({ role: 'user', content: [result] });
  }
}

function textOf(content: ChatMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function decodeParts(content: ChatMessage['content']): ContentPart[] {
  if (content == null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map(decodePart);
}

function decodePart(part: ChatContentPart): ContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url':
      return {
        type: 'image',
        source: mediaSourceOf(part.image_url.url),
        ...(part.image_url.detail !== undefined && { detail: part.image_url.detail }),
      };
    case 'input_audio':
      return {
        type: 'audio',
        source: { kind: 'base64', mediaType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
      };
    case 'file':
      return {
        type: 'document',
        source: part.file.file_data
          ? mediaSourceOf(part.file.file_data)
          : { kind: 'file', fileId: part.file.file_id ?? '' },
        ...(part.file.filename !== undefined && { title: part.file.filename }),
      };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    default:
      throw new GatewayException(ErrorCode.INVALID_REQUEST, {
        message: `Unsupported content part type '${(part as { type?: unknown }).type as string}'`,
        param: 'messages',
      });
  }
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

export function mediaSourceOf(url: string): MediaSource {
  const match = DATA_URL.exec(url);
  if (match) return { kind: 'base64', mediaType: match[1] ?? 'application/octet-stream', data: match[2] ?? '' };
  return { kind: 'url', url };
}

function isFunctionTool(tool: ChatTool | ChatOtherTool): tool is ChatTool {
  return tool.type === 'function' && typeof (tool as ChatTool).function?.name === 'string';
}

/** Choices among non-function tools have no canonical meaning: only pass-through keeps them. */
function decodeToolChoice(choice: ChatToolChoice): ToolChoice | undefined {
  if (typeof choice === 'string') return { type: choice };
  const named = (choice as { function?: { name?: unknown } }).function?.name;
  return choice.type === 'function' && typeof named === 'string' ? { type: 'tool', name: named } : undefined;
}

function decodeResponseFormat(format: NonNullable<ChatCompletionRequest['response_format']>): ResponseFormat {
  if (format.type === 'json_schema' && format.json_schema) {
    return {
      type: 'json_schema',
      name: format.json_schema.name,
      schema: format.json_schema.schema ?? {},
      ...(format.json_schema.strict !== undefined && { strict: format.json_schema.strict }),
      ...(format.json_schema.description !== undefined && { description: format.json_schema.description }),
    };
  }
  return { type: format.type === 'json_object' ? 'json_object' : 'text' };
}
