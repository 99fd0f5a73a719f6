import {
  ErrorCode,
  GatewayException,
  type CanonicalMessage,
  type CanonicalRequest,
  type ContentPart,
  type InstructionBlock,
  type ReasoningConfig,
  type ReasoningEffort,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
  type ToolResultPart,
} from '@plexus/core';
import { decodeContentPart, decodeReasoningItem } from './openai-responses-content';
import type {
  ResponsesFunctionTool,
  ResponsesInputItem,
  ResponsesMessageContent,
  ResponsesReasoningConfig,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesToolChoice,
} from './openai-responses.types';

/** Request fields with a canonical meaning; everything else rides in `extensions.responses`. */
const MAPPED_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'text',
  'stream',
  'user',
  'metadata',
]);

const REASONING_EFFORTS = new Set<string>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
const ROLES = ['user', 'assistant', 'system', 'developer'];
const ITEM_TYPES = ['message', 'function_call', 'function_call_output', 'reasoning'];

function invalid(message: string, param: string): GatewayException {
  return new GatewayException(ErrorCode.INVALID_REQUEST, { message, param });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape every later step relies on; the rest is the upstream's to judge. */
export function assertResponsesRequest(body: unknown): asserts body is ResponsesRequest {
  if (!isObject(body)) throw invalid('Request body must be a JSON object', 'body');
  if (typeof body['model'] !== 'string' || body['model'].length === 0) {
    throw invalid("Missing required parameter: 'model'.", 'model');
  }
  if (body['instructions'] != null && typeof body['instructions'] !== 'string') {
    throw invalid("Invalid type for 'instructions': expected a string.", 'instructions');
  }
  const input = body['input'];
  if (input === undefined) {
    if (body['previous_response_id'] == null && body['prompt'] == null) {
      throw invalid("Missing required parameter: 'input'.", 'input');
    }
  } else if (typeof input !== 'string') {
    if (!Array.isArray(input))
      throw invalid("Invalid type for 'input': expected a string or an array of input items.", 'input');
    input.forEach(assertItem);
  }
  const tools = body['tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw invalid("Invalid type for 'tools': expected an array.", 'tools');
    tools.forEach((tool: unknown, index) => {
      if (!isObject(tool) || typeof tool['type'] !== 'string')
        throw invalid(`Missing required parameter: 'tools[${index}].type'.`, `tools[${index}].type`);
      if (tool['type'] === 'function' && typeof tool['name'] !== 'string') {
        throw invalid(`Missing required parameter: 'tools[${index}].name'.`, `tools[${index}].name`);
      }
    });
  }
}

function assertItem(item: unknown, index: number): void {
  const at = `input[${index}]`;
  if (!isObject(item)) throw invalid(`Invalid type for '${at}': expected an object.`, at);
  const type = item['type'] ?? 'message';
  if (typeof type !== 'string' || !ITEM_TYPES.includes(type)) {
    throw invalid(
      `Invalid value for '${at}.type': ${JSON.stringify(type)} input items are not supported by this gateway.`,
      `${at}.type`,
    );
  }
  if (type === 'message') {
    if (typeof item['role'] !== 'string' || !ROLES.includes(item['role'])) {
      throw invalid(
        `Invalid value for '${at}.role'. Supported values are: 'user', 'assistant', 'system', and 'developer'.`,
        `${at}.role`,
      );
    }
    if (typeof item['content'] !== 'string' && !Array.isArray(item['content'])) {
      throw invalid(`Missing required parameter: '${at}.content'.`, `${at}.content`);
    }
  }
  if (type === 'function_call' || type === 'function_call_output') {
    if (typeof item['call_id'] !== 'string')
      throw invalid(`Missing required parameter: '${at}.call_id'.`, `${at}.call_id`);
  }
  if (type === 'function_call' && typeof item['name'] !== 'string') {
    throw invalid(`Missing required parameter: '${at}.name'.`, `${at}.name`);
  }
  if (type === 'function_call_output' && typeof item['output'] !== 'string' && !Array.isArray(item['output'])) {
    throw invalid(`Missing required parameter: '${at}.output'.`, `${at}.output`);
  }
}

export function decodeResponsesRequest(body: unknown): CanonicalRequest {
  assertResponsesRequest(body);
  const instructions: InstructionBlock[] = body.instructions ? [{ role: 'system', text: body.instructions }] : [];
  const messages = decodeInput(body.input ?? [], instructions);

  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(key)) extensions[key] = value;
  }
  const functionTools = (body.tools ?? []).filter((tool): tool is ResponsesFunctionTool => tool.type === 'function');
  const hostedTools = (body.tools ?? []).filter((tool) => tool.type !== 'function');
  if (hostedTools.length > 0) extensions['tools'] = hostedTools;
  const toolChoice = decodeToolChoice(body.tool_choice);
  if (toolChoice === null) extensions['tool_choice'] = body.tool_choice;
  const reasoning = decodeReasoning(body.reasoning, extensions);
  const { format, ...textRest } = body.text ?? {};
  if (Object.keys(textRest).length > 0) extensions['text'] = textRest;

  return {
    model: body.model,
    instructions,
    messages,
    tools: functionTools.map(decodeTool),
    ...(toolChoice && { toolChoice }),
    ...(body.parallel_tool_calls != null && { parallelToolCalls: body.parallel_tool_calls }),
    sampling: {
      ...(body.max_output_tokens != null && { maxOutputTokens: body.max_output_tokens }),
      ...(body.temperature != null && { temperature: body.temperature }),
      ...(body.top_p != null && { topP: body.top_p }),
    },
    ...(reasoning && { reasoning }),
    ...(format !== undefined && { responseFormat: decodeTextFormat(format) }),
    stream: body.stream === true,
    // Responses streams always end with usage in response.completed.
    streamUsage: body.stream === true,
    ...(body.user !== undefined && { user: body.user }),
    ...(body.metadata != null && { metadata: body.metadata }),
    extensions: Object.keys(extensions).length > 0 ? { responses: extensions } : {},
  };
}

function decodeInput(input: string | ResponsesInputItem[], instructions: InstructionBlock[]): CanonicalMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  const messages: CanonicalMessage[] = [];
  const toolNames = new Map<string, string>();
  for (const item of input) {
    if (item.type === 'reasoning') {
      assistantTurn(messages).push(...decodeReasoningItem(item));
    } else if (item.type === 'function_call') {
      toolNames.set(item.call_id, item.name);
      assistantTurn(messages).push({
        type: 'tool_call',
        id: item.call_id,
        name: item.name,
        arguments: item.arguments ?? '',
      });
    } else if (item.type === 'function_call_output') {
      const name = toolNames.get(item.call_id);
      appendToolResult(messages, {
        type: 'tool_result',
        toolCallId: item.call_id,
        // Responses outputs carry no name; the call they answer does.
        ...(name !== undefined && { name }),
        content: decodeContent(item.output).filter(
          (part): part is ToolResultPart['content'][number] =>
            part.type === 'text' || part.type === 'image' || part.type === 'document',
        ),
      });
    } else if (item.role === 'system' || item.role === 'developer') {
      const text = decodeContent(item.content)
        .map((part) => (part.type === 'text' ? part.text : ''))
        .join('');
      // Leading instructions join the system prompt; later ones stay in place.
      if (messages.length === 0) instructions.push({ role: item.role, text });
      else messages.push({ role: 'system', content: [{ type: 'text', text }] });
    } else if (item.role === 'assistant') {
      assistantTurn(messages).push(...decodeContent(item.content));
    } else {
      messages.push({ role: 'user', content: decodeContent(item.content) });
    }
  }
  return messages;
}

/** Reasoning, message and function_call items of one model turn share one assistant turn. */
function assistantTurn(messages: CanonicalMessage[]): ContentPart[] {
  const last = messages.at(-1);
  if (last?.role === 'assistant') return last.content;
  const turn: CanonicalMessage = { role: 'assistant', content: [] };
  messages.push(turn);
  return turn.content;
}

/** Consecutive tool outputs answer one assistant turn: they share one user turn. */
function appendToolResult(messages: CanonicalMessage[], result: ToolResultPart): void {
  const last = messages.at(-1);
  if (last?.role === 'user' && last.content.every((part) => part.type === 'tool_result')) last.content.push(result);
  else messages.push({ role: 'user', content: [result] });
}

function decodeContent(content: string | ResponsesMessageContent[] | null | undefined): ContentPart[] {
  if (content == null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.flatMap((part) => (isObject(part) ? (decodeContentPart(part) ?? []) : []));
}

function decodeTool(tool: ResponsesFunctionTool): ToolDefinition {
  return {
    name: tool.name,
    ...(tool.description != null && { description: tool.description }),
    parameters: tool.parameters ?? { type: 'object', properties: {} },
    ...(tool.strict != null && { strict: tool.strict }),
  };
}

/** Null when the choice names something canonical has no word for (hosted tools, allowed_tools). */
function decodeToolChoice(choice: ResponsesToolChoice | undefined): ToolChoice | undefined | null {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (typeof choice === 'object' && choice.type === 'function' && typeof choice['name'] === 'string') {
    return { type: 'tool', name: choice['name'] };
  }
  return null;
}

/** Effort and summary are canonical; any other key, or an effort canonical lacks, stays behind. */
function decodeReasoning(
  reasoning: ResponsesReasoningConfig | null | undefined,
  extensions: Record<string, unknown>,
): ReasoningConfig | undefined {
  if (reasoning == null) return undefined;
  const { effort, summary, generate_summary, ...rest } = reasoning;
  const leftover: Record<string, unknown> = { ...rest };
  const wantedSummary = summary ?? generate_summary;
  if (effort != null && !REASONING_EFFORTS.has(effort)) leftover['effort'] = effort;
  if (wantedSummary != null && wantedSummary !== 'auto') leftover['summary'] = wantedSummary;
  if (Object.keys(leftover).length > 0) extensions['reasoning'] = leftover;
  const config: ReasoningConfig = {
    ...(effort != null && REASONING_EFFORTS.has(effort) && { effort: effort as ReasoningEffort }),
    ...(wantedSummary != null && { includeThoughts: true }),
  };
  return Object.keys(config).length > 0 ? config : undefined;
}

function decodeTextFormat(format: ResponsesTextFormat): ResponseFormat {
  if (format.type === 'json_schema') {
    return {
      type: 'json_schema',
      name: format.name,
      schema: format.schema ?? {},
      ...(format.strict != null && { strict: format.strict }),
      ...(format.description !== undefined && { description: format.description }),
    };
  }
  return { type: format.type === 'json_object' ? 'json_object' : 'text' };
}
