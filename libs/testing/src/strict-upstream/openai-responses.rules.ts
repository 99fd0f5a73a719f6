import { openAiError } from './openai-chat.rules';
import { firstUnknown, records, type Refusal, type RequestRules } from './refusal';

/** The Responses create parameters of OpenAI's API reference. */
const RESPONSES_PARAMETERS = new Set([
  'background',
  'context_management',
  'conversation',
  'include',
  'input',
  'instructions',
  'max_output_tokens',
  'max_tool_calls',
  'metadata',
  'model',
  'parallel_tool_calls',
  'previous_response_id',
  'prompt',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning',
  'safety_identifier',
  'service_tier',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'text',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'truncation',
  'user',
]);

/** Refuses what OpenAI's Responses API refuses, in its wording. */
export const openAiResponsesRules: RequestRules = (body, issued) => {
  const unknown = firstUnknown(body, RESPONSES_PARAMETERS);
  if (unknown !== undefined) return openAiError(`Unknown parameter: '${unknown}'.`, unknown, 'unknown_parameter');
  if (typeof body['model'] !== 'string') {
    return openAiError("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  const items = records(body['input']);
  const calls = new Set<unknown>();
  for (const item of items) {
    if (item['type'] === 'function_call') calls.add(item['call_id']);
    if (item['type'] === 'function_call_output' && !calls.has(item['call_id'])) {
      return openAiError(
        `No tool call found for function call output with call_id ${String(item['call_id'])}.`,
        'input',
        null,
      );
    }
    if (item['type'] === 'reasoning') {
      const refusal = reasoningItem(item, issued.has.bind(issued));
      if (refusal !== undefined) return refusal;
    }
  }
  return undefined;
};

function reasoningItem(item: Record<string, unknown>, issued: (value: string) => boolean): Refusal | undefined {
  const encrypted = item['encrypted_content'];
  if (encrypted === undefined || encrypted === null) return undefined;
  if (typeof encrypted === 'string' && issued(encrypted)) return undefined;
  return openAiError(
    `The encrypted content for item ${typeof item['id'] === 'string' ? item['id'] : 'rs_unknown'} could not be verified.`,
    null,
    'invalid_encrypted_content',
  );
}
