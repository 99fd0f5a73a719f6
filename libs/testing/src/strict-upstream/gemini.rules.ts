import { firstUnknown, isRecord, records, type Refusal, type RequestRules } from './refusal';

/** GenerateContentRequest fields; protobuf JSON takes them in camelCase and snake_case. */
const REQUEST_FIELDS = withSnakeCase([
  'contents',
  'tools',
  'toolConfig',
  'safetySettings',
  'systemInstruction',
  'generationConfig',
  'cachedContent',
]);

const GENERATION_CONFIG_FIELDS = withSnakeCase([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'imageConfig',
  'mediaResolution',
]);

/** Google's documented stand-ins for signatures of calls the model did not produce. */
const BYPASS_SIGNATURES = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

function withSnakeCase(names: string[]): Set<string> {
  return new Set(names.flatMap((name) => [name, name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)]));
}

export function geminiError(message: string): Refusal {
  return { status: 400, body: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } } };
}

function unknownName(name: string, at?: string): Refusal {
  const where = at === undefined ? '' : ` at '${at}'`;
  return geminiError(`Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`);
}

/** Refuses what the Gemini API refuses, in its wording. */
export const geminiRules: RequestRules = (body, issued, path) => {
  const unknown = firstUnknown(body, REQUEST_FIELDS);
  if (unknown !== undefined) return unknownName(unknown);
  const config = body['generationConfig'] ?? body['generation_config'];
  if (isRecord(config)) {
    const unknownConfig = firstUnknown(config, GENERATION_CONFIG_FIELDS);
    if (unknownConfig !== undefined) return unknownName(unknownConfig, 'generation_config');
  }
  const contents = records(body['contents']);
  for (const [index, content] of contents.entries()) {
    if (content['role'] !== undefined && content['role'] !== 'user' && content['role'] !== 'model') {
      return geminiError('Please use a valid role: user, model.');
    }
    if (records(content['parts']).length === 0) {
      return geminiError(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`);
    }
    for (const part of records(content['parts'])) {
      const signature = part['thoughtSignature'] ?? part['thought_signature'];
      if (signature === undefined || (typeof signature === 'string' && BYPASS_SIGNATURES.has(signature))) continue;
      if (typeof signature !== 'string' || !issued.has(signature)) {
        return geminiError('Unable to submit request because Thought signature is not valid.');
      }
    }
  }
  return /gemini-3/.test(path) ? currentTurnSignatures(contents) : undefined;
};

/**
 * Gemini 3 validates the current turn (since the last user message that is not a function
 * response): the first function call of every model step must carry a signature.
 */
function currentTurnSignatures(contents: Record<string, unknown>[]): Refusal | undefined {
  const start = contents.findLastIndex(
    (content) =>
      content['role'] === 'user' && records(content['parts']).some((part) => part['functionResponse'] === undefined),
  );
  for (const content of contents.slice(start + 1)) {
    if (content['role'] !== 'model') continue;
    const parts = records(content['parts']);
    const position = parts.findIndex((part) => part['functionCall'] !== undefined);
    if (position === -1) continue;
    const first = parts[position];
    if (first?.['thoughtSignature'] === undefined && first?.['thought_signature'] === undefined) {
      const call = first?.['functionCall'];
      const name = isRecord(call) ? String(call['name']) : '';
      return geminiError(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${position + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
  }
  return undefined;
}
