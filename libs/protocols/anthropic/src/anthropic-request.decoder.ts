import {
  ErrorCode,
  GatewayException,
  type CanonicalMessage,
  type CanonicalRequest,
  type InstructionBlock,
  type ReasoningConfig,
  type ReasoningEffort,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from '@plexus/core';
import { cacheControlOf, decodeBlocks } from './anthropic-content';
import type {
  AnthropicEffort,
  AnthropicMessagesRequest,
  AnthropicOutputConfig,
  AnthropicServerTool,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic.types';

/** Request fields with a canonical meaning; everything else rides in `extensions.messages`. */
const MAPPED_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'output_format',
]);

/** Block fields the decoder reads; the rest of a block is the upstream's to judge. */
const REQUIRED_BLOCK_STRINGS: Record<string, string[]> = {
  text: ['text'],
  thinking: ['thinking'],
  redacted_thinking: ['data'],
  tool_use: ['id', 'name'],
  tool_result: ['tool_use_id'],
};
const SOURCE_TYPES: Record<string, string[]> = {
  image: ['base64', 'url', 'file'],
  document: ['base64', 'url', 'file', 'text', 'content'],
};

/** Anthropic's `max` has no canonical level; it is the highest one there is. */
const EFFORTS: Record<AnthropicEffort, ReasoningEffort> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
};

/** Anthropic's structured output has no schema name; this one is what other formats get. */
export const STRUCTURED_OUTPUT_NAME = 'response_schema';

type Json = Record<string, unknown>;

function invalid(message: string, param: string): GatewayException {
  return new GatewayException(ErrorCode.INVALID_REQUEST, { message: `${param}: ${message}`, param });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape every later step relies on, naming fields the way Anthropic's own errors do. */
export function assertAnthropicRequest(body: unknown): asserts body is AnthropicMessagesRequest {
  if (!isObject(body))
    throw new GatewayException(ErrorCode.INVALID_REQUEST, {
      message: 'Request body must be a JSON object',
      param: 'body',
    });
  if (typeof body['model'] !== 'string' || body['model'].length === 0) throw invalid('Field required', 'model');
  const maxTokens = body['max_tokens'];
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && (maxTokens as number) > 0)) {
    throw invalid('Input should be a positive integer', 'max_tokens');
  }
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('Input should be a non-empty list', 'messages');
  messages.forEach((message: unknown, index) => assertMessage(message, `messages.${index}`));
  assertSystem(body['system']);
  const tools = body['tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw invalid('Input should be a valid list', 'tools');
    tools.forEach((tool: unknown, index) => {
      if (!isObject(tool) || typeof tool['name'] !== 'string' || tool['name'] === '')
        throw invalid('Field required', `tools.${index}.name`);
    });
  }
  assertToolChoice(body['tool_choice']);
  assertThinking(body['thinking']);
  const stop = body['stop_sequences'];
  if (stop !== undefined && !(Array.isArray(stop) && stop.every((item) => typeof item === 'string'))) {
    throw invalid('Input should be a valid list of strings', 'stop_sequences');
  }
}

function assertMessage(message: unknown, path: string): void {
  if (!isObject(message)) throw invalid('Input should be a valid dictionary', path);
  if (message['role'] !== 'user' && message['role'] !== 'assistant' && message['role'] !== 'system') {
    throw invalid("Input should be 'user' or 'assistant'", `${path}.role`);
  }
  const content = message['content'];
  if (typeof content === 'string') return;
  if (!Array.isArray(content))
    throw invalid('Input should be a valid string or list of content blocks', `${path}.content`);
  content.forEach((block: unknown, index) => assertBlock(block, `${path}.content.${index}`));
}

function assertBlock(block: unknown, path: string): void {
  if (!isObject(block) || typeof block['type'] !== 'string') throw invalid('Field required', `${path}.type`);
  const type = block['type'];
  for (const field of REQUIRED_BLOCK_STRINGS[type] ?? []) {
    if (typeof block[field] !== 'string') throw invalid('Field required', `${path}.${field}`);
  }
  const sourceTypes = SOURCE_TYPES[type];
  if (sourceTypes) {
    const source = block['source'];
    if (!isObject(source) || !sourceTypes.includes(source['type'] as string)) {
      throw invalid(`Input should be a source of type ${sourceTypes.join(', ')}`, `${path}.source`);
    }
  }
  if (type === 'tool_result' && Array.isArray(block['content'])) {
    block['content'].forEach((inner: unknown, index) => assertBlock(inner, `${path}.content.${index}`));
  }
}

function assertSystem(system: unknown): void {
  if (system === undefined || typeof system === 'string') return;
  if (!Array.isArray(system)) throw invalid('Input should be a valid string or list of text blocks', 'system');
  system.forEach((block: unknown, index) => {
    if (!isObject(block) || block['type'] !== 'text' || typeof block['text'] !== 'string') {
      throw invalid('Input should be a text block', `system.${index}`);
    }
  });
}

function assertToolChoice(choice: unknown): void {
  if (choice === undefined) return;
  const type = isObject(choice) ? choice['type'] : undefined;
  if (type !== 'auto' && type !== 'any' && type !== 'tool' && type !== 'none') {
    throw invalid("Input should be 'auto', 'any', 'tool' or 'none'", 'tool_choice.type');
  }
  if (type === 'tool' && typeof (choice as Json)['name'] !== 'string')
    throw invalid('Field required', 'tool_choice.name');
}

function assertThinking(thinking: unknown): void {
  if (thinking === undefined) return;
  const type = isObject(thinking) ? thinking['type'] : undefined;
  if (type !== 'enabled' && type !== 'adaptive' && type !== 'disabled') {
    throw invalid("Input should be 'enabled', 'adaptive' or 'disabled'", 'thinking.type');
  }
  if (type === 'enabled' && !Number.isInteger((thinking as Json)['budget_tokens'])) {
    throw invalid('Field required', 'thinking.budget_tokens');
  }
}

export function decodeAnthropicRequest(body: unknown): CanonicalRequest {
  assertAnthropicRequest(body);
  const toolNames = new Map<string, string>();
  const messages: CanonicalMessage[] = body.messages.map((message) => ({
    role: message.role,
    content: decodeBlocks(message.content, toolNames),
  }));

  const extensions: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(key)) extensions[key] = value;
  }
  const tools = body.tools ?? [];
  const serverTools = tools.filter((tool) => !isClientTool(tool));
  // Server tools, adaptive thinking and unknown output_config keys have no canonical
  // meaning: kept under their own names for the Anthropic encoder to restore.
  if (serverTools.length > 0) extensions['tools'] = serverTools;
  if (body.thinking?.type === 'adaptive') extensions['thinking'] = body.thinking;
  const { effort, format, ...outputExtras }: AnthropicOutputConfig = body.output_config ?? {};
  if (Object.keys(outputExtras).length > 0) extensions['output_config'] = outputExtras;

  const reasoning = decodeReasoning(body, effort);
  const responseFormat = decodeResponseFormat(format ?? body.output_format);
  const toolChoice = body.tool_choice;
  const disableParallel =
    toolChoice && 'disable_parallel_tool_use' in toolChoice ? toolChoice.disable_parallel_tool_use : undefined;
  const userId = body.metadata?.user_id;
  return {
    model: body.model,
    instructions: decodeSystem(body.system),
    messages,
    tools: tools.filter(isClientTool).map(decodeTool),
    ...(toolChoice !== undefined && { toolChoice: decodeToolChoice(toolChoice) }),
    ...(disableParallel !== undefined && { parallelToolCalls: !disableParallel }),
    sampling: {
      ...(body.max_tokens !== undefined && { maxOutputTokens: body.max_tokens }),
      ...(body.temperature !== undefined && { temperature: body.temperature }),
      ...(body.top_p !== undefined && { topP: body.top_p }),
      ...(body.top_k !== undefined && { topK: body.top_k }),
      ...(body.stop_sequences !== undefined && { stop: body.stop_sequences }),
    },
    ...(reasoning !== undefined && { reasoning }),
    ...(responseFormat !== undefined && { responseFormat }),
    stream: body.stream === true,
    // Anthropic streams always report usage (message_start, message_delta).
    streamUsage: body.stream === true,
    ...(typeof userId === 'string' && { user: userId }),
    extensions: Object.keys(extensions).length > 0 ? { messages: extensions } : {},
  };
}

function decodeSystem(system: AnthropicMessagesRequest['system']): InstructionBlock[] {
  if (system === undefined || system === '') return [];
  if (typeof system === 'string') return [{ role: 'system', text: system }];
  return system.map((block) => ({
    role: 'system',
    text: block.text,
    ...cacheControlOf(block.cache_control),
  }));
}

function isClientTool(tool: AnthropicTool | AnthropicServerTool): tool is AnthropicTool {
  return (tool.type === undefined || tool.type === null || tool.type === 'custom') && isObject(tool['input_schema']);
}

function decodeTool(tool: AnthropicTool): ToolDefinition {
  return {
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    parameters: tool.input_schema,
    ...(tool.strict !== undefined && { strict: tool.strict }),
    ...cacheControlOf(tool.cache_control),
  };
}

function decodeToolChoice(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: choice.name };
  }
}

/**
 * `thinking` gives a budget (or adaptive, or off) and `output_config.effort` a level; both
 * are kept. Thoughts come back unless `display: omitted`, so `includeThoughts` says so.
 */
function decodeReasoning(
  body: AnthropicMessagesRequest,
  effort: AnthropicEffort | null | undefined,
): ReasoningConfig | undefined {
  const thinking = body.thinking;
  if (thinking?.type === 'disabled') return { effort: 'none' };
  const level = effort ? EFFORTS[effort] : undefined;
  if (thinking === undefined) return level !== undefined ? { effort: level } : undefined;
  return {
    ...(level !== undefined && { effort: level }),
    ...(thinking.type === 'enabled' && { budgetTokens: thinking.budget_tokens }),
    includeThoughts: thinking.display !== 'omitted',
  };
}

function decodeResponseFormat(format: AnthropicMessagesRequest['output_format']): ResponseFormat | undefined {
  if (format?.type !== 'json_schema') return undefined;
  return { type: 'json_schema', name: STRUCTURED_OUTPUT_NAME, schema: format.schema };
}
