import type { CanonicalMessage, CanonicalRequest, ReasoningConfig, ResponseFormat, ToolChoice } from '@plexus/core';
import { encodeGeminiParts, isRecord } from './gemini-content';
import type {
  GeminiContent,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiThinkingConfig,
  GeminiThinkingLevel,
  GeminiTool,
  GeminiToolConfig,
} from './gemini.types';

export interface GeminiEncodeOptions {
  /** The upstream model: it goes in the URL path, never in the body. */
  model: string;
}

/**
 * Google's documented stand-in signature for function calls the model did not produce
 * (history from another model): Gemini 3 rejects a step whose first call has none.
 */
export const FOREIGN_CALL_SIGNATURE = 'skip_thought_signature_validator';

const THINKING_LEVELS: Record<Exclude<NonNullable<ReasoningConfig['effort']>, 'none'>, GeminiThinkingLevel> = {
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
};

/**
 * Canonical request to an upstream Gemini body. Streaming is chosen by the URL
 * (`:streamGenerateContent?alt=sse`) and Gemini always reports usage, so the body
 * is the same either way.
 */
export function encodeGeminiRequest(
  request: CanonicalRequest,
  _options: GeminiEncodeOptions,
): GeminiGenerateContentRequest {
  const {
    generationConfig: extraGeneration,
    tools: builtIns,
    toolConfig: extraToolConfig,
    fileMimeTypes,
    ...extraBody
  } = request.extensions.gemini ?? {};
  const mimeTypes = isRecord(fileMimeTypes) ? (fileMimeTypes as Record<string, string>) : {};
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === 'tool_call') toolNames.set(part.id, part.name);
  }
  const toolNameOf = (toolCallId: string): string => toolNames.get(toolCallId) ?? toolCallId;

  const tools: GeminiTool[] = [];
  if (request.tools.length > 0) {
    tools.push({
      functionDeclarations: request.tools.map((tool) => ({
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        parametersJsonSchema: tool.parameters,
      })),
    });
  }
  if (Array.isArray(builtIns)) tools.push(...(builtIns as GeminiTool[]));
  const toolConfig = encodeToolConfig(request.toolChoice, isRecord(extraToolConfig) ? extraToolConfig : {});
  const generationConfig = encodeGenerationConfig(request, isRecord(extraGeneration) ? extraGeneration : {});

  return {
    ...extraBody,
    contents: request.messages.map((message) => encodeContent(message, toolNameOf, mimeTypes)),
    ...(request.instructions.length > 0 && {
      systemInstruction: { parts: request.instructions.map((block) => ({ text: block.text })) },
    }),
    ...(tools.length > 0 && { tools }),
    ...(toolConfig !== undefined && { toolConfig }),
    ...(Object.keys(generationConfig).length > 0 && { generationConfig }),
  };
}

/** Gemini has no mid-conversation system turn: such an instruction is sent as user text. */
function encodeContent(
  message: CanonicalMessage,
  toolNameOf: (toolCallId: string) => string,
  mimeTypes: Record<string, string>,
): GeminiContent {
  const parts = encodeGeminiParts(message.content, toolNameOf, mimeTypes);
  if (message.role !== 'assistant') return { role: 'user', parts };
  return { role: 'model', parts: signFirstCall(parts) };
}

/**
 * Gemini 3 validates the first function call of a model step: it must carry the step's
 * signature. A signature that came back on a thought part instead (another format carried
 * thought and signature as one reasoning item) moves onto that call; a step with none at all
 * (history from another model) gets Google's stand-in.
 */
function signFirstCall(parts: GeminiPart[]): GeminiPart[] {
  const first = parts.findIndex((part) => part.functionCall !== undefined);
  if (first < 0 || parts[first]?.thoughtSignature !== undefined) return parts;
  const signedThought = parts.findLastIndex(
    (part, index) => index < first && part.thought === true && part.thoughtSignature !== undefined,
  );
  const signature = signedThought < 0 ? FOREIGN_CALL_SIGNATURE : parts[signedThought]?.thoughtSignature;
  return parts.map((part, index) => {
    if (index === first) return { ...part, thoughtSignature: signature };
    if (index !== signedThought) return part;
    const thought = { ...part };
    delete thought.thoughtSignature;
    return thought;
  });
}

function encodeToolConfig(
  choice: ToolChoice | undefined,
  extra: Record<string, unknown>,
): GeminiToolConfig | undefined {
  const config: GeminiToolConfig = { ...extra };
  if (choice !== undefined && config.functionCallingConfig === undefined) {
    switch (choice.type) {
      case 'auto':
        config.functionCallingConfig = { mode: 'AUTO' };
        break;
      case 'none':
        config.functionCallingConfig = { mode: 'NONE' };
        break;
      case 'required':
        config.functionCallingConfig = { mode: 'ANY' };
        break;
      case 'tool':
        config.functionCallingConfig = { mode: 'ANY', allowedFunctionNames: [choice.name] };
        break;
    }
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function encodeGenerationConfig(request: CanonicalRequest, extra: Record<string, unknown>): GeminiGenerationConfig {
  const { sampling } = request;
  const { thinkingConfig: extraThinking, ...rest } = extra;
  const thinkingConfig = encodeThinking(request.reasoning, isRecord(extraThinking) ? extraThinking : {});
  return {
    ...rest,
    ...(sampling.maxOutputTokens !== undefined && { maxOutputTokens: sampling.maxOutputTokens }),
    ...(sampling.temperature !== undefined && { temperature: sampling.temperature }),
    ...(sampling.topP !== undefined && { topP: sampling.topP }),
    ...(sampling.topK !== undefined && { topK: sampling.topK }),
    ...(sampling.stop !== undefined && { stopSequences: sampling.stop }),
    ...(sampling.seed !== undefined && { seed: sampling.seed }),
    ...(sampling.n !== undefined && { candidateCount: sampling.n }),
    ...(sampling.presencePenalty !== undefined && { presencePenalty: sampling.presencePenalty }),
    ...(sampling.frequencyPenalty !== undefined && { frequencyPenalty: sampling.frequencyPenalty }),
    ...(request.responseFormat !== undefined && encodeResponseFormat(request.responseFormat)),
    ...(thinkingConfig !== undefined && { thinkingConfig }),
  };
}

function encodeResponseFormat(format: ResponseFormat): GeminiGenerationConfig {
  switch (format.type) {
    case 'text':
      return { responseMimeType: 'text/plain' };
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema':
      return { responseMimeType: 'application/json', responseJsonSchema: format.schema };
  }
}

/**
 * A budget wins over an effort (Gemini takes one or the other, and every thinking model
 * accepts a budget); effort `none` is budget 0, the other efforts are thinking levels.
 */
function encodeThinking(
  reasoning: ReasoningConfig | undefined,
  extra: Record<string, unknown>,
): GeminiThinkingConfig | undefined {
  const config: GeminiThinkingConfig = { ...extra };
  if (reasoning?.budgetTokens !== undefined) config.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning?.effort === 'none') config.thinkingBudget = 0;
  else if (reasoning?.effort !== undefined) {
    config.thinkingLevel = THINKING_LEVELS[reasoning.effort];
    delete config.thinkingBudget;
  }
  if (reasoning?.includeThoughts !== undefined) config.includeThoughts = reasoning.includeThoughts;
  return Object.keys(config).length > 0 ? config : undefined;
}
