import type { UpstreamCall } from '../provider-adapter';

/**
 * Claude Code's own tool names. Anthropic's subscription endpoint expects Claude Code's
 * casing for these, so a client's `read` or `bash` goes out as `Read` or `Bash` and comes
 * back under the client's own name.
 */
const CLAUDE_CODE_TOOLS = [
  'Read',
  'Write',
  'Edit',
  'Bash',
  'Grep',
  'Glob',
  'AskUserQuestion',
  'EnterPlanMode',
  'ExitPlanMode',
  'KillShell',
  'NotebookEdit',
  'Skill',
  'Task',
  'TaskOutput',
  'TodoWrite',
  'WebFetch',
  'WebSearch',
];
const BY_LOWER_CASE = new Map(CLAUDE_CODE_TOOLS.map((name) => [name.toLowerCase(), name]));

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function claudeCodeName(name: string): string {
  return BY_LOWER_CASE.get(name.toLowerCase()) ?? name;
}

const renamesByCall = new WeakMap<UpstreamCall, ReadonlyMap<string, string>>();

/** Claude Code name to the client's own, for the client's tools that get renamed. */
export function claudeCodeRenames(call: UpstreamCall): ReadonlyMap<string, string> {
  let renames = renamesByCall.get(call);
  if (!renames) {
    const clientTools = call.passthroughBody?.['tools'];
    const names = Array.isArray(clientTools)
      ? clientTools
          .filter(isObject)
          .map((tool) => tool['name'])
          .filter((name): name is string => typeof name === 'string')
      : call.request.tools.map((tool) => tool.name);
    renames = new Map(
      names.filter((name) => claudeCodeName(name) !== name).map((name) => [claudeCodeName(name), name]),
    );
    renamesByCall.set(call, renames);
  }
  return renames;
}

function renameToolUse(block: unknown, rename: (name: string) => string): unknown {
  if (!isObject(block) || block['type'] !== 'tool_use' || typeof block['name'] !== 'string') return block;
  return { ...block, name: rename(block['name']) };
}

/** A Messages body with tool names, forced tool choice and earlier tool calls in Claude Code's casing. */
export function withClaudeCodeToolNames(body: Json): Json {
  const tools: unknown = body['tools'];
  const choice: unknown = body['tool_choice'];
  const messages: unknown = body['messages'];
  return {
    ...body,
    ...(Array.isArray(tools) && {
      tools: (tools as unknown[]).map((tool) =>
        isObject(tool) && typeof tool['name'] === 'string' ? { ...tool, name: claudeCodeName(tool['name']) } : tool,
      ),
    }),
    ...(isObject(choice) &&
      typeof choice['name'] === 'string' && { tool_choice: { ...choice, name: claudeCodeName(choice['name']) } }),
    ...(Array.isArray(messages) && {
      messages: (messages as unknown[]).map((message) =>
        isObject(message) && Array.isArray(message['content'])
          ? {
              ...message,
              content: (message['content'] as unknown[]).map((block) => renameToolUse(block, claudeCodeName)),
            }
          : message,
      ),
    }),
  };
}

/** An answer (a message body, or one stream event) with renamed tool calls under the client's names again. */
export function restoreClientToolNames(data: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0 || !data.includes('tool_use')) return data;
  const parsed = JSON.parse(data) as unknown;
  if (!isObject(parsed)) return data;
  const rename = (name: string): string => renames.get(name) ?? name;
  if (Array.isArray(parsed['content']))
    return JSON.stringify({ ...parsed, content: parsed['content'].map((block) => renameToolUse(block, rename)) });
  if (isObject(parsed['content_block']))
    return JSON.stringify({ ...parsed, content_block: renameToolUse(parsed['content_block'], rename) });
  return data;
}
