import { firstUnknown, isRecord, records, type Refusal, type RequestRules } from './refusal';

/** The Messages create parameters of Anthropic's API reference. */
const MESSAGES_PARAMETERS = new Set([
  'container',
  'context_management',
  'max_tokens',
  'mcp_servers',
  'messages',
  'metadata',
  'model',
  'output_config',
  'output_format',
  'service_tier',
  'stop_sequences',
  'stream',
  'system',
  'temperature',
  'thinking',
  'tool_choice',
  'tools',
  'top_k',
  'top_p',
]);

const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

export function anthropicError(message: string): Refusal {
  return {
    status: 400,
    body: { type: 'error', error: { type: 'invalid_request_error', message }, request_id: 'req_scripted' },
  };
}

/** Refuses what Anthropic's Messages API refuses, in its wording. */
export const anthropicRules: RequestRules = (body, issued, path) => {
  const countOnly = path.includes('/count_tokens');
  const unknown = firstUnknown(body, MESSAGES_PARAMETERS);
  if (unknown !== undefined) return anthropicError(`${unknown}: Extra inputs are not permitted`);
  if (!countOnly && body['max_tokens'] === undefined) return anthropicError('max_tokens: Field required');
  if (!Array.isArray(body['messages'])) return anthropicError('messages: Field required');
  const thinking = isRecord(body['thinking']) && body['thinking']['type'] === 'enabled';
  if (thinking && body['temperature'] !== undefined && body['temperature'] !== 1) {
    return anthropicError('`temperature` may only be set to 1 when thinking is enabled.');
  }
  for (const [index, tool] of records(body['tools']).entries()) {
    if (typeof tool['name'] === 'string' && !TOOL_NAME.test(tool['name'])) {
      return anthropicError(`tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    }
  }
  const messages = records(body['messages']);
  for (const [index, message] of messages.entries()) {
    const refusal =
      messageRules(message, index, messages[index - 1], issued.has.bind(issued)) ??
      unansweredToolUses(message, index, messages[index + 1]);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
};

function unansweredToolUses(
  message: Record<string, unknown>,
  index: number,
  next: Record<string, unknown> | undefined,
): Refusal | undefined {
  if (next === undefined) return undefined;
  const answered = new Set(blocksOf(next).map((block) => block['tool_use_id']));
  const open = blocksOf(message)
    .filter((block) => block['type'] === 'tool_use' && !answered.has(block['id']))
    .map((block) => String(block['id']));
  if (open.length === 0) return undefined;
  return anthropicError(
    `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${open.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
  );
}

function blocksOf(message: Record<string, unknown> | undefined): Record<string, unknown>[] {
  if (message === undefined) return [];
  return typeof message['content'] === 'string'
    ? [{ type: 'text', text: message['content'] }]
    : records(message['content']);
}

function messageRules(
  message: Record<string, unknown>,
  index: number,
  previous: Record<string, unknown> | undefined,
  issued: (signature: string) => boolean,
): Refusal | undefined {
  const role = message['role'];
  if (role === 'system') {
    return anthropicError(
      'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
    );
  }
  if (role !== 'user' && role !== 'assistant')
    return anthropicError(`messages.${index}.role: Input should be 'user' or 'assistant'`);
  const uses = new Set(
    blocksOf(previous)
      .filter((block) => block['type'] === 'tool_use')
      .map((block) => block['id']),
  );
  for (const [position, block] of blocksOf(message).entries()) {
    const at = `messages.${index}.content.${position}`;
    switch (block['type']) {
      case 'text':
        if (block['text'] === '') return anthropicError('messages: text content blocks must be non-empty');
        break;
      case 'thinking':
        if (typeof block['signature'] !== 'string' || !issued(block['signature'])) {
          return anthropicError(`${at}: Invalid \`signature\` in \`thinking\` block`);
        }
        break;
      case 'tool_use':
        if (typeof block['id'] !== 'string' || !TOOL_ID.test(block['id'])) {
          return anthropicError(`${at}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
        }
        break;
      case 'tool_result':
        if (!uses.has(block['tool_use_id'])) {
          return anthropicError(
            `${at}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block['tool_use_id'])}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
        break;
      default:
        break;
    }
  }
  return undefined;
}
