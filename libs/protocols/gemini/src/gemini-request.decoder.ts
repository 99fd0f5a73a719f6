import {
  ErrorCode,
  GatewayException,
  type CanonicalMessage,
  type CanonicalRequest,
  type InstructionBlock,
  type ReasoningConfig,
  type ReasoningEffort,
  type ResponseFormat,
  type SamplingParams,
  type ToolChoice,
  type ToolDefinition,
} from '@plexus/core';
import {
  camelCase,
  decodeGeminiParts,
  field,
  idSafe,
  isRecord,
  unguessableMimeTypes,
  type CallNaming,
} from './gemini-content';
import type {
  GeminiFunctionCall,
  GeminiFunctionResponse,
  GeminiGenerateContentRequest,
  GeminiTool,
} from './gemini.types';

export interface GeminiDecodeOptions {
  /** From the URL path `/v1beta/models/{model}:generateContent`. */
  model: string;
  /** True for `:streamGenerateContent`. */
  stream: boolean;
}

/** Top-level fields with a canonical meaning; the rest ride in `extensions.gemini`. */
const MAPPED_FIELDS = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'model']);

/** generationConfig fields with a canonical meaning (the response format ones only for JSON or text). */
const MAPPED_GENERATION = new Set([
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'stopSequences',
  'seed',
  'candidateCount',
  'presencePenalty',
  'frequencyPenalty',
  'thinkingConfig',
]);

const RESPONSE_FORMAT_FIELDS = new Set(['responseMimeType', 'responseSchema', 'responseJsonSchema']);

const THINKING_LEVELS = new Set(['minimal', 'low', 'medium', 'high']);

function invalid(message: string, param: string): GatewayException {
  return new GatewayException(ErrorCode.INVALID_REQUEST, { message, param });
}

/** Checks the shape every later step relies on; the rest is the upstream's to judge. */
export function assertGeminiRequest(body: unknown): asserts body is GeminiGenerateContentRequest {
  if (!isRecord(body)) throw invalid('Request body must be a JSON object', 'body');
  const contents = field(body, 'contents');
  if (!Array.isArray(contents) || contents.length === 0) {
    throw invalid('* GenerateContentRequest.contents: contents is not specified', 'contents');
  }
  contents.forEach((content: unknown, index) => {
    if (!isRecord(content)) throw invalid(`contents[${index}] must be an object`, `contents[${index}]`);
    const role = field(content, 'role');
    if (role !== undefined && role !== 'user' && role !== 'model' && role !== 'function') {
      throw invalid('Please use a valid role: user, model.', `contents[${index}].role`);
    }
    const parts = field(content, 'parts');
    if (!Array.isArray(parts) || parts.length === 0) {
      throw invalid(`contents[${index}].parts must be a non-empty array`, `contents[${index}].parts`);
    }
    parts.forEach((part: unknown, partIndex) => {
      if (!isRecord(part)) throw invalid('Each part must be an object', `contents[${index}].parts[${partIndex}]`);
    });
  });
  const tools = field(body, 'tools') ?? [];
  if (!Array.isArray(tools)) throw invalid("'tools' must be an array", 'tools');
  tools.forEach((tool: unknown, index) => {
    const declarations = field<unknown[]>(tool, 'functionDeclarations') ?? [];
    declarations.forEach((declaration, declarationIndex) => {
      if (typeof field(declaration, 'name') !== 'string') {
        throw invalid(
          'A function declaration needs a name',
          `tools[${index}].functionDeclarations[${declarationIndex}].name`,
        );
      }
    });
  });
}

/**
 * `extensions.gemini` holds unmapped top-level fields as they are (safetySettings,
 * cachedContent, labels...) plus the unmapped pieces of mapped ones: `generationConfig`
 * fields, built-in `tools`, `toolConfig` that canonical can't express, and
 * `fileMimeTypes` (file URIs whose MIME type their name doesn't tell).
 */
export function decodeGeminiRequest(body: unknown, options: GeminiDecodeOptions): CanonicalRequest {
  assertGeminiRequest(body);
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(camelCase(key))) extensions[camelCase(key)] = value;
  }

  const naming = conversationNaming();
  const messages: CanonicalMessage[] = [];
  for (const content of body.contents) {
    const parts = decodeGeminiParts(field<unknown[]>(content, 'parts') ?? [], naming);
    if (parts.length > 0)
      messages.push({ role: field(content, 'role') === 'model' ? 'assistant' : 'user', content: parts });
  }

  const mimeTypes = unguessableMimeTypes(body.contents);
  if (Object.keys(mimeTypes).length > 0) extensions['fileMimeTypes'] = mimeTypes;
  const tools = decodeTools(field<GeminiTool[]>(body, 'tools') ?? [], extensions);
  const toolChoice = decodeToolConfig(field(body, 'toolConfig'), extensions);
  const generation = field<Record<string, unknown>>(body, 'generationConfig') ?? {};
  const responseFormat = decodeResponseFormat(generation);
  const unmapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(generation)) {
    const name = camelCase(key);
    if (!MAPPED_GENERATION.has(name) && !(responseFormat !== undefined && RESPONSE_FORMAT_FIELDS.has(name)))
      unmapped[name] = value;
  }
  const reasoning = decodeThinking(field(generation, 'thinkingConfig'), unmapped);
  if (Object.keys(unmapped).length > 0) extensions['generationConfig'] = unmapped;

  return {
    model: options.model,
    instructions: decodeInstructions(field(body, 'systemInstruction')),
    messages,
    tools,
    ...(toolChoice !== undefined && { toolChoice }),
    sampling: decodeSampling(generation),
    ...(reasoning !== undefined && { reasoning }),
    ...(responseFormat !== undefined && { responseFormat }),
    stream: options.stream,
    // Gemini streams always carry usageMetadata: a Gemini client expects it.
    streamUsage: options.stream,
    extensions: Object.keys(extensions).length > 0 ? { gemini: extensions } : {},
  };
}

/**
 * Gemini calls carry no ids: each gets `call_<n>_<name>`, and a function response takes
 * the id of the earliest unanswered call of the same name (its own id when it has one).
 */
function conversationNaming(): CallNaming {
  const unanswered: Array<{ id: string; name: string }> = [];
  let count = 0;
  const next = (name: string): string => `call_${count++}_${idSafe(name, 24)}`;
  return {
    callId(call: GeminiFunctionCall): string {
      const id = call.id ?? next(call.name);
      unanswered.push({ id, name: call.name });
      return id;
    },
    resultId(response: GeminiFunctionResponse): string {
      let at = response.id === undefined ? -1 : unanswered.findIndex((call) => call.id === response.id);
      if (at < 0) at = unanswered.findIndex((call) => call.name === response.name);
      if (at < 0) return response.id ?? next(response.name);
      const [call] = unanswered.splice(at, 1);
      return call?.id ?? '';
    },
  };
}

function decodeInstructions(instruction: unknown): InstructionBlock[] {
  if (typeof instruction === 'string') return [{ role: 'system', text: instruction }];
  return (field<unknown[]>(instruction, 'parts') ?? []).flatMap((part) => {
    const text = field(part, 'text');
    return typeof text === 'string' ? [{ role: 'system' as const, text }] : [];
  });
}

/** Function declarations become tools; Google built-ins (googleSearch...) are kept aside. */
function decodeTools(tools: GeminiTool[], extensions: Record<string, unknown>): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  const builtIns: Record<string, unknown>[] = [];
  for (const tool of tools) {
    for (const declaration of field<unknown[]>(tool, 'functionDeclarations') ?? []) {
      const description = field<string>(declaration, 'description');
      const jsonSchema = field<Record<string, unknown>>(declaration, 'parametersJsonSchema');
      const schema = field<Record<string, unknown>>(declaration, 'parameters');
      out.push({
        name: field<string>(declaration, 'name') ?? '',
        ...(description !== undefined && { description }),
        parameters: jsonSchema ?? (schema ? jsonSchemaOf(schema) : { type: 'object', properties: {} }),
      });
    }
    const rest = Object.fromEntries(
      Object.entries(tool)
        .map(([key, value]) => [camelCase(key), value] as const)
        .filter(([key]) => key !== 'functionDeclarations'),
    );
    if (Object.keys(rest).length > 0) builtIns.push(rest);
  }
  if (builtIns.length > 0) extensions['tools'] = builtIns;
  return out;
}

const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions']);
const SCHEMA_VALUES = new Set(['items', 'not', 'additionalProperties']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

/** Gemini's OpenAPI Schema spells types in upper case (`OBJECT`); JSON Schema wants lower. */
function jsonSchemaOf(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') out[key] = value.toLowerCase();
    else if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, isRecord(sub) ? jsonSchemaOf(sub) : sub]),
      );
    } else if (SCHEMA_VALUES.has(key) && isRecord(value)) out[key] = jsonSchemaOf(value);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value))
      out[key] = value.map((sub: unknown) => (isRecord(sub) ? jsonSchemaOf(sub) : sub));
    else out[key] = value;
  }
  return out;
}

/**
 * AUTO, NONE, ANY and ANY with one allowed name map exactly. What canonical can't say
 * (ANY among several names, VALIDATED) keeps its original config in extensions, next to
 * any other toolConfig field (retrievalConfig).
 */
function decodeToolConfig(toolConfig: unknown, extensions: Record<string, unknown>): ToolChoice | undefined {
  if (!isRecord(toolConfig)) return undefined;
  const kept = Object.fromEntries(
    Object.entries(toolConfig).filter(([key]) => camelCase(key) !== 'functionCallingConfig'),
  );
  const config = field(toolConfig, 'functionCallingConfig');
  const mode = field<string>(config, 'mode')?.toUpperCase();
  const names = field<string[]>(config, 'allowedFunctionNames') ?? [];
  let choice: ToolChoice | undefined;
  let exact = true;
  if (mode === 'AUTO') choice = { type: 'auto' };
  else if (mode === 'NONE') choice = { type: 'none' };
  else if (mode === 'ANY') {
    choice = names.length === 1 && names[0] !== undefined ? { type: 'tool', name: names[0] } : { type: 'required' };
    exact = names.length <= 1;
  } else if (mode === 'VALIDATED') {
    choice = { type: 'auto' };
    exact = false;
  } else exact = mode === undefined;
  if (!exact) kept['functionCallingConfig'] = config;
  if (Object.keys(kept).length > 0) extensions['toolConfig'] = kept;
  return choice;
}

function decodeSampling(generation: Record<string, unknown>): SamplingParams {
  const sampling: SamplingParams = {};
  const numbers = [
    ['maxOutputTokens', 'maxOutputTokens'],
    ['temperature', 'temperature'],
    ['topP', 'topP'],
    ['topK', 'topK'],
    ['seed', 'seed'],
    ['candidateCount', 'n'],
    ['presencePenalty', 'presencePenalty'],
    ['frequencyPenalty', 'frequencyPenalty'],
  ] as const;
  for (const [wire, canonical] of numbers) {
    const value = field(generation, wire);
    if (typeof value === 'number') sampling[canonical] = value;
  }
  const stop = field<string[]>(generation, 'stopSequences');
  if (Array.isArray(stop)) sampling.stop = stop;
  return sampling;
}

/** JSON output (with a JSON Schema or Gemini's own Schema) or plain text; other MIME types stay Gemini's. */
function decodeResponseFormat(generation: Record<string, unknown>): ResponseFormat | undefined {
  const mimeType = field<string>(generation, 'responseMimeType');
  if (mimeType === 'text/plain') return { type: 'text' };
  if (mimeType !== 'application/json') return undefined;
  const jsonSchema = field<Record<string, unknown>>(generation, 'responseJsonSchema');
  const schema = field<Record<string, unknown>>(generation, 'responseSchema');
  if (jsonSchema) return { type: 'json_schema', name: 'response', schema: jsonSchema };
  if (schema) return { type: 'json_schema', name: 'response', schema: jsonSchemaOf(schema) };
  return { type: 'json_object' };
}

/** A dynamic budget (-1) has no canonical meaning: it stays in the extension's thinkingConfig. */
function decodeThinking(thinking: unknown, unmapped: Record<string, unknown>): ReasoningConfig | undefined {
  if (!isRecord(thinking)) return undefined;
  const reasoning: ReasoningConfig = {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(thinking)) {
    const name = camelCase(key);
    const level = typeof value === 'string' ? value.toLowerCase() : '';
    if (name === 'thinkingBudget' && typeof value === 'number' && value >= 0) reasoning.budgetTokens = value;
    else if (name === 'thinkingLevel' && THINKING_LEVELS.has(level)) reasoning.effort = level as ReasoningEffort;
    else if (name === 'includeThoughts' && typeof value === 'boolean') reasoning.includeThoughts = value;
    else kept[name] = value;
  }
  if (Object.keys(kept).length > 0) unmapped['thinkingConfig'] = kept;
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}
