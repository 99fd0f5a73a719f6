import type { CanonicalChunk, CanonicalRequest } from '@plexus/core';
import { lastValueFrom, toArray } from 'rxjs';
import { AnthropicAdapter } from '../adapters/anthropic/anthropic.adapter';
import { OpenAiChatAdapter } from '../adapters/openai-chat/openai-chat.adapter';
import { OpenAiResponsesAdapter } from '../adapters/openai-responses/openai-responses.adapter';
import type { UpstreamCall, UpstreamTarget } from '../provider-adapter';
import type { UpstreamHttpClient, UpstreamPost } from '../upstream-http.client';
import { CLAUDE_CODE_SYSTEM_PREFIX } from './subscription-shapes';

const REQUEST: CanonicalRequest = {
  model: 'alias',
  instructions: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  sampling: {},
  stream: false,
  streamUsage: false,
  extensions: {},
};

const TARGET: UpstreamTarget = {
  provider: 'p',
  model: 'm',
  baseUrl: 'http://upstream',
  apiKey: 'access-token',
  headers: {},
  extraBody: {},
  timeoutMs: 10_000,
};

/** An upstream answering `answer` as JSON, recording what it was sent. */
function upstream(answer: unknown, sent: UpstreamPost[]): UpstreamHttpClient {
  return {
    post: (post: UpstreamPost) => {
      sent.push(post);
      const text = JSON.stringify(answer);
      return Promise.resolve({
        statusCode: 200,
        headers: {},
        body: { text: () => Promise.resolve(text) },
      });
    },
  } as unknown as UpstreamHttpClient;
}

const TOOL_ANSWER = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'm',
  content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a' } }],
  stop_reason: 'tool_use',
  usage: { input_tokens: 1, output_tokens: 1 },
};

async function run(
  adapter: { execute(call: UpstreamCall): import('rxjs').Observable<CanonicalChunk> },
  call: UpstreamCall,
) {
  return lastValueFrom(adapter.execute(call).pipe(toArray()));
}

describe('subscription request shapes', () => {
  it('Anthropic subscription: Bearer token, Claude Code headers and betas, system prefix, tool names there and back', async () => {
    const sent: UpstreamPost[] = [];
    const adapter = new AnthropicAdapter(upstream(TOOL_ANSWER, sent));
    const chunks = await run(adapter, {
      request: REQUEST,
      target: {
        ...TARGET,
        headers: { 'anthropic-beta': 'context-1m-2025-08-07' },
        subscription: { provider: 'anthropic' },
      },
      passthroughBody: {
        model: 'alias',
        system: 'Be brief.',
        tools: [{ name: 'read', input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'hi' }],
      },
    });
    const post = sent[0];
    expect(post.headers['authorization']).toBe('Bearer access-token');
    expect(post.headers['x-api-key']).toBeUndefined();
    expect(post.headers['anthropic-beta']).toBe('claude-code-20250219,oauth-2025-04-20,context-1m-2025-08-07');
    expect(post.headers['user-agent']).toMatch(/^claude-cli\//);
    const body = JSON.parse(String(post.body)) as Record<string, unknown>;
    expect(body['system']).toEqual([
      { type: 'text', text: CLAUDE_CODE_SYSTEM_PREFIX },
      { type: 'text', text: 'Be brief.' },
    ]);
    expect((body['tools'] as Array<{ name: string }>)[0].name).toBe('Read');
    const relayed = chunks.find((chunk) => chunk.type === 'passthrough');
    expect(relayed && 'data' in relayed ? JSON.parse(relayed.data) : null).toMatchObject({
      content: [{ type: 'tool_use', name: 'read' }],
    });
  });

  it('Anthropic subscription: the required betas alone when the provider configures none', async () => {
    const sent: UpstreamPost[] = [];
    const adapter = new AnthropicAdapter(upstream(TOOL_ANSWER, sent));
    await run(adapter, { request: REQUEST, target: { ...TARGET, subscription: { provider: 'anthropic' } } });
    expect(sent[0].headers['anthropic-beta']).toBe('claude-code-20250219,oauth-2025-04-20');
  });

  it('useClaudeMasking on an API-key provider: its key as x-api-key, Claude Code shape otherwise', async () => {
    const sent: UpstreamPost[] = [];
    const adapter = new AnthropicAdapter(upstream(TOOL_ANSWER, sent));
    await run(adapter, { request: REQUEST, target: { ...TARGET, apiKey: 'sk-ant-api', claudeMasking: true } });
    expect(sent[0].headers['x-api-key']).toBe('sk-ant-api');
    expect(sent[0].headers['anthropic-beta']).toContain('claude-code-20250219');
    expect((JSON.parse(String(sent[0].body)) as { system: Array<{ text: string }> }).system[0].text).toBe(
      CLAUDE_CODE_SYSTEM_PREFIX,
    );
  });

  it('Codex: the /codex/responses endpoint, account and originator headers, never stored', async () => {
    const sent: UpstreamPost[] = [];
    const adapter = new OpenAiResponsesAdapter(
      upstream({ id: 'r', object: 'response', status: 'completed', model: 'm', output: [], usage: null }, sent),
    );
    await run(adapter, {
      request: REQUEST,
      target: {
        ...TARGET,
        baseUrl: 'https://chatgpt.com/backend-api',
        subscription: { provider: 'openai-codex', accountId: 'acct-1' },
      },
      passthroughBody: { model: 'alias', input: 'hi', store: true, truncation: 'auto' },
    }).catch(() => undefined);
    const post = sent[0];
    expect(post.url).toBe('https://chatgpt.com/backend-api/codex/responses');
    expect(post.headers).toMatchObject({
      authorization: 'Bearer access-token',
      'chatgpt-account-id': 'acct-1',
      originator: 'codex_cli_rs',
    });
    const body = JSON.parse(String(post.body)) as Record<string, unknown>;
    expect(body).toMatchObject({ store: false, instructions: '' });
    expect(body['truncation']).toBeUndefined();
  });

  it('Copilot: the editor identity headers on every wire API', async () => {
    const sent: UpstreamPost[] = [];
    const adapter = new OpenAiChatAdapter(
      upstream({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [] }, sent),
    );
    await run(adapter, { request: REQUEST, target: { ...TARGET, subscription: { provider: 'github-copilot' } } }).catch(
      () => undefined,
    );
    expect(sent[0].headers).toMatchObject({
      authorization: 'Bearer access-token',
      'user-agent': 'GitHubCopilotChat/0.35.0',
      'copilot-integration-id': 'vscode-chat',
      'editor-version': 'vscode/1.107.0',
    });
  });
});
