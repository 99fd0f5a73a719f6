import type {
  CanonicalMessage,
  CanonicalRequest,
  ContentPart,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
  ToolResultPart,
} from '@plexus/core';
import { encodeInputPart, encodeOutputText, groupAssistantParts } from './openai-responses-content';
import type {
  ResponsesFunctionTool,
  ResponsesInputContent,
  ResponsesInputItem,
  ResponsesReasoningConfig,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesTool,
  ResponsesToolChoice,
} from './openai-responses.types';

export interface ResponsesEncodeOptions {
  /** The upstream model name that replaces the client's alias. */
  model: string;
}

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/**
 * Canonical request to an upstream Responses body. Plexus keeps the conversation itself, so
 * the upstream is told not to store it (unless the client asked for storage), and when
 * reasoning is on it is asked for encrypted reasoning, the only way to replay it statelessly.
 * `previous_response_id` is never forwarded: the gateway has already inlined that history.
 */
export function encodeResponsesRequest(request: CanonicalRequest, options: ResponsesEncodeOptions): ResponsesRequest {
  const {
    tools: hostedTools,
    reasoning: extraReasoning,
    text: extraText,
    include: extraInclude,
    store,
    ...extensions
  } = request.extensions.responses ?? {};
  delete extensions['previous_response_id'];

  const [first, ...others] = request.instructions;
  const systemPrompt = first?.role === 'system' ? first.text : undefined;
  const input: ResponsesInputItem[] = (systemPrompt === undefined ? request.instructions : others).map((block) => ({
    type: 'message',
    role: block.role,
    content: block.text,
  }));
  for (const message of request.messages) input.push(...encodeMessage(message));

  const reasoning = encodeReasoning(request.reasoning, extraReasoning as ResponsesReasoningConfig | undefined);
  const include = new Set(Array.isArray(extraInclude) ? (extraInclude as string[]) : []);
  if (reasoning !== undefined && reasoning.effort !== 'none') include.add(ENCRYPTED_REASONING);
  const tools: ResponsesTool[] = [
    ...request.tools.map(encodeTool),
    ...(Array.isArray(hostedTools) ? (hostedTools as ResponsesTool[]) : []),
  ];
  const text = {
    ...(extraText as Record<string, unknown> | undefined),
    ...(request.responseFormat !== undefined && { format: encodeTextFormat(request.responseFormat) }),
  };
  const { sampling } = request;

  const body: ResponsesRequest = {
    ...extensions,
    model: options.model,
    ...(systemPrompt !== undefined && { instructions: systemPrompt }),
    input,
    ...(sampling.maxOutputTokens !== undefined && { max_output_tokens: sampling.maxOutputTokens }),
    ...(sampling.temperature !== undefined && { temperature: sampling.temperature }),
    ...(sampling.topP !== undefined && { top_p: sampling.topP }),
    ...(tools.length > 0 && { tools }),
    ...(request.toolChoice !== undefined && { tool_choice: encodeToolChoice(request.toolChoice) }),
    ...(request.parallelToolCalls !== undefined && { parallel_tool_calls: request.parallelToolCalls }),
    ...(reasoning !== undefined && { reasoning }),
    ...(Object.keys(text).length > 0 && { text }),
    ...(include.size > 0 && { include: [...include] }),
    store: typeof store === 'boolean' ? store : false,
    ...(request.user !== undefined && { user: request.user }),
    ...(request.metadata !== undefined && { metadata: request.metadata }),
  };
  if (request.stream) body.stream = true;
  return body;
}

function encodeMessage(message: CanonicalMessage): ResponsesInputItem[] {
  if (message.role === 'system') return [{ type: 'message', role: 'system', content: plainText(message.content) }];
  if (message.role === 'assistant') return encodeAssistant(message.content);

  // Tool outputs must follow their calls directly, so the turn is cut where they sit.
  const items: ResponsesInputItem[] = [];
  let pending: ContentPart[] = [];
  const flush = (): void => {
    const content = userContent(pending);
    if (content !== null) items.push({ type: 'message', role: 'user', content });
    pending = [];
  };
  for (const part of message.content) {
    if (part.type !== 'tool_result') {
      pending.push(part);
      continue;
    }
    flush();
    items.push({ type: 'function_call_output', call_id: part.toolCallId, output: toolOutput(part) });
  }
  flush();
  return items;
}

/**
 * Reasoning replays only as encrypted content: thinking without a signature (another
 * vendor's, or a summary-only item) has nothing OpenAI can verify, so it is dropped.
 * Item ids are left out, since with `store: false` the upstream cannot look them up.
 */
function encodeAssistant(parts: ContentPart[]): ResponsesInputItem[] {
  return groupAssistantParts(parts).flatMap((group): ResponsesInputItem[] => {
    switch (group.kind) {
      case 'message':
        return [{ type: 'message', role: 'assistant', content: group.parts.map(encodeOutputText) }];
      case 'reasoning':
        return group.signature === undefined
          ? []
          : [{ type: 'reasoning', summary: group.summary, encrypted_content: group.signature }];
      case 'function_call':
        return [
          { type: 'function_call', call_id: group.part.id, name: group.part.name, arguments: group.part.arguments },
        ];
    }
  });
}

function userContent(parts: ContentPart[]): string | ResponsesInputContent[] | null {
  const encoded = parts.map(encodeInputPart).filter((part) => part !== null);
  if (encoded.length === 0) return null;
  const [only] = encoded;
  return encoded.length === 1 && only?.type === 'input_text' ? only.text : encoded;
}

/** Tool outputs are a string unless they hold more than text. */
function toolOutput(result: ToolResultPart): string | ResponsesInputContent[] {
  const encoded = result.content.map(encodeInputPart).filter((part) => part !== null);
  if (encoded.every((part) => part.type === 'input_text'))
    return encoded.map((part) => (part.type === 'input_text' ? part.text : '')).join('');
  return encoded;
}

function plainText(parts: ContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * An omitted `strict` makes the Responses API normalise the schema into strict mode, unlike
 * every other format; a tool that did not ask for strictness is sent `strict: false`.
 */
function encodeTool(tool: CanonicalRequest['tools'][number]): ResponsesFunctionTool {
  return {
    type: 'function',
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    parameters: tool.parameters,
    strict: tool.strict ?? false,
  };
}

function encodeToolChoice(choice: ToolChoice): ResponsesToolChoice {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

function encodeTextFormat(format: ResponseFormat): ResponsesTextFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    name: format.name,
    ...(format.description !== undefined && { description: format.description }),
    schema: format.schema,
    ...(format.strict !== undefined && { strict: format.strict }),
  };
}

/** Canonical effort (or the nearest level to a thinking budget) and summary, over any untranslatable extras. */
function encodeReasoning(
  config: ReasoningConfig | undefined,
  extra: ResponsesReasoningConfig | undefined,
): ResponsesReasoningConfig | undefined {
  if (config === undefined && extra === undefined) return undefined;
  const { summary: extraSummary, ...rest } = extra ?? {};
  const effort = config === undefined ? undefined : effortOf(config);
  return {
    ...rest,
    ...(effort !== undefined && { effort }),
    ...(config?.includeThoughts === true && { summary: extraSummary ?? 'auto' }),
  };
}

function effortOf(config: ReasoningConfig): string | undefined {
  if (config.effort !== undefined) return config.effort;
  const budget = config.budgetTokens;
  if (budget === undefined) return undefined;
  if (budget <= 0) return 'none';
  if (budget <= 1024) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}
