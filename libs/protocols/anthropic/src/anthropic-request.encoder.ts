import type {
  CanonicalMessage,
  CanonicalRequest,
  InstructionBlock,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '@plexus/core';
import { encodeCacheControl, encodePart } from './anthropic-content';
import type {
  AnthropicContentBlock,
  AnthropicEffort,
  AnthropicJsonOutputFormat,
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicOutputConfig,
  AnthropicServerTool,
  AnthropicTextBlock,
  AnthropicThinkingConfig,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic.types';

export interface AnthropicEncodeOptions {
  /** The upstream model name that replaces the client's alias. */
  model: string;
}

/** `max_tokens` is required by Anthropic; this is used when the client set no limit. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic rejects thinking budgets below this. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * Effort levels (OpenAI, Responses, Gemini) become thinking budgets, the form every
 * thinking-capable Claude model accepts. The core's budget-to-effort thresholds
 * (≤1024 low, ≤8192 medium, else high) read each of these back as the level it came from.
 */
export const EFFORT_BUDGETS: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

const ANTHROPIC_EFFORTS: Record<Exclude<ReasoningEffort, 'none'>, AnthropicEffort> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
};

/** With thinking on, Anthropic accepts only a top_p of at least this. */
const MIN_THINKING_TOP_P = 0.95;

interface ThinkingPlan {
  maxTokens: number;
  thinking?: AnthropicThinkingConfig;
  effort?: AnthropicEffort;
}

/** Canonical request to an upstream Messages body. Anthropic streams always carry usage. */
export function encodeAnthropicRequest(
  request: CanonicalRequest,
  options: AnthropicEncodeOptions,
): AnthropicMessagesRequest {
  const {
    tools: serverTools,
    thinking: thinkingHint,
    output_config: outputExtras,
    ...extras
  } = request.extensions.messages ?? {};
  const messages = encodeMessages(request.messages);
  const tools: Array<AnthropicTool | AnthropicServerTool> = [
    ...request.tools.map(encodeTool),
    ...(Array.isArray(serverTools) ? (serverTools as AnthropicServerTool[]) : []),
  ];
  const toolChoice = tools.length > 0 ? encodeToolChoice(request.toolChoice, request.parallelToolCalls) : undefined;
  const forcesTool = toolChoice?.type === 'any' || toolChoice?.type === 'tool';
  const adaptive = (thinkingHint as { type?: unknown } | undefined)?.type === 'adaptive';
  const plan = planThinking(request, adaptive, forcesTool || resumesToolTurnWithoutThinking(messages));
  const thinkingOn = plan.thinking !== undefined && plan.thinking.type !== 'disabled';

  const format = encodeOutputFormat(request.responseFormat);
  const outputConfig: AnthropicOutputConfig = {
    ...(typeof outputExtras === 'object' && outputExtras !== null ? outputExtras : {}),
    ...(plan.effort !== undefined && { effort: plan.effort }),
    ...(format !== undefined && { format }),
  };
  const system = encodeSystem(request.instructions);
  const { sampling } = request;
  const body: AnthropicMessagesRequest = {
    ...extras,
    model: options.model,
    max_tokens: plan.maxTokens,
    ...(system !== undefined && { system }),
    messages,
    ...(request.user !== undefined && { metadata: { user_id: request.user } }),
    ...(sampling.stop !== undefined && sampling.stop.length > 0 && { stop_sequences: sampling.stop }),
    // Thinking refuses sampling changes: temperature and top_k are left at their defaults.
    ...(sampling.temperature !== undefined && !thinkingOn && { temperature: sampling.temperature }),
    ...(sampling.topP !== undefined &&
      (!thinkingOn || sampling.topP >= MIN_THINKING_TOP_P) && { top_p: sampling.topP }),
    ...(sampling.topK !== undefined && !thinkingOn && { top_k: sampling.topK }),
    ...(tools.length > 0 && { tools }),
    ...(toolChoice !== undefined && { tool_choice: toolChoice }),
    ...(plan.thinking !== undefined && { thinking: plan.thinking }),
    ...(Object.keys(outputConfig).length > 0 && { output_config: outputConfig }),
  };
  if (request.stream) body.stream = true;
  return body;
}

/**
 * Reasoning to `thinking` (+ `output_config.effort`) and the `max_tokens` that fits it:
 * the budget must be at least 1024 and below max_tokens. With no client limit, max_tokens
 * leaves DEFAULT_MAX_TOKENS for the answer beyond the budget; a client limit is a cost cap
 * that the budget is shrunk to fit (thinking is dropped when even the minimum won't fit).
 * Anthropic also refuses thinking with a forced tool, or when it would resume a tool turn
 * that has no thinking block: there the tool turn wins and thinking is left off.
 */
function planThinking(request: CanonicalRequest, adaptive: boolean, thinkingRefused: boolean): ThinkingPlan {
  const limit = request.sampling.maxOutputTokens;
  const plain: ThinkingPlan = { maxTokens: limit ?? DEFAULT_MAX_TOKENS };
  const reasoning = request.reasoning;
  if (reasoning === undefined) return plain;
  const { effort, budgetTokens } = reasoning;
  if (effort === 'none' || (budgetTokens !== undefined && budgetTokens <= 0))
    return { ...plain, thinking: { type: 'disabled' } };
  if (thinkingRefused) return plain;

  const display = reasoning.includeThoughts === false ? { display: 'omitted' as const } : {};
  const level = effort !== undefined ? ANTHROPIC_EFFORTS[effort] : undefined;
  if (adaptive)
    return { ...plain, thinking: { type: 'adaptive', ...display }, ...(level !== undefined && { effort: level }) };

  const wanted = budgetTokens ?? (effort !== undefined ? EFFORT_BUDGETS[effort] : undefined);
  if (wanted === undefined) return plain;
  const budget = Math.min(Math.max(MIN_THINKING_BUDGET, wanted), limit === undefined ? Infinity : limit - 1);
  if (budget < MIN_THINKING_BUDGET) return plain;
  return {
    maxTokens: limit ?? budget + DEFAULT_MAX_TOKENS,
    thinking: { type: 'enabled', budget_tokens: budget, ...display },
    // An effort level is sent beside a budget only when the client gave both.
    ...(budgetTokens !== undefined && level !== undefined && { effort: level }),
  };
}

/** The final user turn answers tools, and the assistant turn that called them did not think first. */
function resumesToolTurnWithoutThinking(messages: AnthropicMessage[]): boolean {
  const last = messages.at(-1);
  const previous = messages.at(-2);
  if (last?.role !== 'user' || typeof last.content === 'string' || previous?.role !== 'assistant') return false;
  if (!last.content.some((block) => block.type === 'tool_result')) return false;
  const first = typeof previous.content === 'string' ? 'text' : previous.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/**
 * Turns become user or assistant (a mid-conversation system turn is user text), empty
 * turns are skipped, consecutive same-role turns merged, and a user turn's tool results
 * go first, as Anthropic requires.
 */
function encodeMessages(messages: CanonicalMessage[]): AnthropicMessage[] {
  const turns: Array<{ role: 'user' | 'assistant'; blocks: AnthropicContentBlock[] }> = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = message.content.map(encodePart).filter((block) => block !== null);
    if (blocks.length === 0) continue;
    const previous = turns.at(-1);
    if (previous?.role === role) previous.blocks.push(...blocks);
    else turns.push({ role, blocks });
  }
  return turns.map(({ role, blocks }) => {
    const ordered =
      role === 'user'
        ? [
            ...blocks.filter((block) => block.type === 'tool_result'),
            ...blocks.filter((block) => block.type !== 'tool_result'),
          ]
        : blocks;
    return { role, content: ordered.length === 1 && isPlainText(ordered[0]) ? ordered[0].text : ordered };
  });
}

function isPlainText(block: AnthropicContentBlock | undefined): block is AnthropicTextBlock {
  return block?.type === 'text' && !block.cache_control;
}

/** One uncached block is sent as a string; otherwise one text block per instruction. */
function encodeSystem(instructions: InstructionBlock[]): string | AnthropicTextBlock[] | undefined {
  const blocks = instructions.filter((block) => block.text !== '');
  const only = blocks.length === 1 ? blocks[0] : undefined;
  if (only && !only.cacheControl) return only.text;
  if (blocks.length === 0) return undefined;
  return blocks.map((block) => ({ type: 'text', text: block.text, ...encodeCacheControl(block.cacheControl) }));
}

/** Anthropic requires an object schema; a schema without a type is taken as one. */
function encodeTool(tool: ToolDefinition): AnthropicTool {
  return {
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    input_schema: tool.parameters['type'] === undefined ? { type: 'object', ...tool.parameters } : tool.parameters,
    ...(tool.strict !== undefined && { strict: tool.strict }),
    ...encodeCacheControl(tool.cacheControl),
  };
}

/** Parallel calls are a flag of the choice, so a bare parallel setting needs an `auto` choice. */
function encodeToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): AnthropicToolChoice | undefined {
  const flag = parallel === undefined ? {} : { disable_parallel_tool_use: !parallel };
  switch (choice?.type) {
    case undefined:
      return parallel === undefined ? undefined : { type: 'auto', ...flag };
    case 'auto':
      return { type: 'auto', ...flag };
    case 'required':
      return { type: 'any', ...flag };
    case 'tool':
      return { type: 'tool', name: choice.name, ...flag };
    case 'none':
      return { type: 'none' };
  }
}

/** Structured output is native (`output_config.format`); JSON mode without a schema has no equivalent. */
function encodeOutputFormat(format: ResponseFormat | undefined): AnthropicJsonOutputFormat | undefined {
  return format?.type === 'json_schema' ? { type: 'json_schema', schema: format.schema } : undefined;
}
