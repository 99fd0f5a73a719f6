import { firstUnknown, isRecord, records, type Refusal, type RequestRules } from './refusal';

/** The Chat Completions create parameters of OpenAI's API reference. */
const CHAT_PARAMETERS = new Set([
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'messages',
  'metadata',
  'modalities',
  'model',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

/** Reasoning models refuse the legacy output cap and any sampling change. */
const REASONING_MODEL = /^(o\d|gpt-5)/;

export function openAiError(message: string, param: string | null, code: string | null): Refusal {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

/** Refuses what OpenAI's Chat Completions API refuses, in its wording. */
export const openAiChatRules: RequestRules = (body) => {
  const unknown = firstUnknown(body, CHAT_PARAMETERS);
  if (unknown !== undefined) return openAiError(`Unrecognized request argument supplied: ${unknown}`, null, null);
  if (typeof body['model'] !== 'string') return openAiError('you must provide a model parameter', null, null);
  if (!Array.isArray(body['messages'])) {
    return openAiError("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (body['stream_options'] !== undefined && body['stream'] !== true) {
    return openAiError(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
      'invalid_value',
    );
  }
  if (REASONING_MODEL.test(body['model'])) {
    if (body['max_tokens'] !== undefined) {
      return openAiError(
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        'max_tokens',
        'unsupported_parameter',
      );
    }
    if (body['temperature'] !== undefined && body['temperature'] !== 1) {
      return openAiError(
        `Unsupported value: 'temperature' does not support ${JSON.stringify(body['temperature'])} with this model. Only the default (1) value is supported.`,
        'temperature',
        'unsupported_value',
      );
    }
  }
  return messageOrder(records(body['messages']));
};

function messageOrder(messages: Record<string, unknown>[]): Refusal | undefined {
  let pending: string[] = [];
  let pendingAt = -1;
  for (const [index, message] of messages.entries()) {
    const role = message['role'];
    if (typeof role !== 'string' || !ROLES.has(role)) {
      return openAiError(
        `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${index}].role`,
        'invalid_value',
      );
    }
    if (role === 'tool') {
      const id = message['tool_call_id'];
      if (typeof id !== 'string' || !pending.includes(id)) {
        return openAiError(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
          null,
        );
      }
      pending = pending.filter((open) => open !== id);
      continue;
    }
    if (pending.length > 0) return unanswered(pending, pendingAt);
    const calls = role === 'assistant' ? records(message['tool_calls']) : [];
    pending = calls.map((call) => call['id']).filter((id): id is string => typeof id === 'string');
    pendingAt = index;
    if (calls.some((call) => !isRecord(call['function']))) {
      return openAiError("Missing required parameter: 'messages[0].tool_calls[0].function'.", null, null);
    }
  }
  return undefined;
}

function unanswered(ids: string[], index: number): Refusal {
  return openAiError(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${ids.join(', ')}`,
    `messages.[${index}].role`,
    null,
  );
}
