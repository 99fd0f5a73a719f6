import type { UpstreamTarget } from '../provider-adapter';

/** Claude Code's identity, which Anthropic's subscription endpoint requires of OAuth tokens. */
export const CLAUDE_CODE_VERSION = '2.1.322';
export const CLAUDE_CODE_SYSTEM_PREFIX = "You are Claude Code, Anthropic's official CLI for Claude.";
const CLAUDE_CODE_BETAS = ['claude-code-20250219', 'oauth-2025-04-20'];

/** GitHub Copilot's editor identity headers (as Copilot Chat in VS Code sends them). */
const COPILOT_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'GitHubCopilotChat/0.35.0',
  'editor-version': 'vscode/1.107.0',
  'editor-plugin-version': 'copilot-chat/0.35.0',
  'copilot-integration-id': 'vscode-chat',
  'openai-intent': 'conversation-edits',
  'x-initiator': 'user',
};

export function isSubscription(target: UpstreamTarget, provider: string): boolean {
  return target.subscription?.provider === provider;
}

/** Whether the request goes out in Claude Code's shape: an Anthropic subscription, or `useClaudeMasking`. */
export function usesClaudeCodeShape(target: UpstreamTarget): boolean {
  return isSubscription(target, 'anthropic') || target.claudeMasking === true;
}

/** Bearer auth for every subscription access token. */
export function subscriptionAuthHeaders(target: UpstreamTarget): Record<string, string> {
  if (!target.subscription || !target.apiKey) return {};
  return { authorization: `Bearer ${target.apiKey}` };
}

/** ChatGPT's Codex backend: its identity headers, the account from the token's claims. */
export function codexHeaders(target: UpstreamTarget): Record<string, string> {
  return {
    originator: 'codex_cli_rs',
    'openai-beta': 'responses=experimental',
    ...(target.subscription?.accountId && { 'chatgpt-account-id': target.subscription.accountId }),
  };
}

/**
 * A Responses body as the Codex backend takes it: never stored (it refuses `store: true`),
 * with the reasoning kept encrypted in the answer, and no `truncation` (unsupported there).
 */
export function codexBody(body: Record<string, unknown>): Record<string, unknown> {
  const shaped: Record<string, unknown> = {
    ...body,
    store: false,
    include: ['reasoning.encrypted_content'],
    instructions: typeof body['instructions'] === 'string' ? body['instructions'] : '',
  };
  delete shaped['truncation'];
  delete shaped['max_output_tokens'];
  return shaped;
}

/** Headers a subscription upstream requires besides auth, for any of its wire APIs. */
export function subscriptionHeaders(target: UpstreamTarget): Record<string, string> {
  if (isSubscription(target, 'github-copilot')) return { ...COPILOT_HEADERS };
  return {};
}

/** Claude Code's headers, with the caller's configured `anthropic-beta` flags kept. */
export function claudeCodeHeaders(target: UpstreamTarget): Record<string, string> {
  const configured = Object.entries(target.headers).find(([name]) => name.toLowerCase() === 'anthropic-beta')?.[1];
  const betas = new Set([
    ...CLAUDE_CODE_BETAS,
    ...(configured ?? '')
      .split(',')
      .map((flag) => flag.trim())
      .filter(Boolean),
  ]);
  return {
    'anthropic-beta': [...betas].join(','),
    'user-agent': `claude-cli/${CLAUDE_CODE_VERSION}`,
    'x-app': 'cli',
    'anthropic-dangerous-direct-browser-access': 'true',
  };
}

type SystemBlock = { type: 'text'; text: string; [field: string]: unknown };

/** The Messages body with Claude Code's system prompt first (the client's own system prompt follows it). */
export function withClaudeCodeSystem(body: Record<string, unknown>): Record<string, unknown> {
  const system = body['system'];
  const blocks: SystemBlock[] =
    typeof system === 'string'
      ? [{ type: 'text', text: system }]
      : Array.isArray(system)
        ? (system as SystemBlock[])
        : [];
  if (blocks[0]?.text === CLAUDE_CODE_SYSTEM_PREFIX) return body;
  return { ...body, system: [{ type: 'text', text: CLAUDE_CODE_SYSTEM_PREFIX }, ...blocks] };
}
