import Anthropic from '@anthropic-ai/sdk';
import {
  callManagement,
  ScriptedUpstream,
  anthropicBody,
  anthropicStreamEvents,
  chatStreamEvents,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const ADMIN_KEY = 'anthropic-admin';
const KEY = 'sk-anthropic-client';
const SIGNATURE = 'EqQBCkgIARABGAIiQL3Tr0+/sig==';

describe('Anthropic Messages ingress and provider through the built gateway', () => {
  let dataDir: string;
  let chatUpstream: ScriptedUpstream;
  let claudeUpstream: ScriptedUpstream;
  let gateway: GatewayProcess;
  let anthropic: Anthropic;

  const admin = (path: string, body: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, 'PUT', path, body);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-anthropic-'));
    [chatUpstream, claudeUpstream] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    await admin('/providers/chatty', { api_base_url: `${chatUpstream.url}/v1`, api_key: 'sk-chat' });
    await admin('/providers/claude', {
      api_base_url: { messages: claudeUpstream.url },
      api_key: 'sk-ant-upstream',
      timeoutMs: 1000,
    });
    await admin('/aliases/via-chat', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'chatty', model: 'chat-model' }] }],
    });
    await admin('/aliases/via-claude', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'claude', model: 'claude-sonnet' }] }],
    });
    await admin('/keys/k', { secret: KEY });
    anthropic = new Anthropic({ apiKey: KEY, baseURL: gateway.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([chatUpstream?.stop(), claudeUpstream?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    chatUpstream.requests.length = 0;
    claudeUpstream.requests.length = 0;
  });

  it('answers an Anthropic client from a chat provider, tool calls included', async () => {
    chatUpstream.script(() => ({
      kind: 'json',
      body: {
        id: 'chatcmpl-tools',
        object: 'chat.completion',
        created: 1,
        model: 'chat-model',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 },
      },
    }));
    const message = await anthropic.messages.create({
      model: 'via-chat',
      max_tokens: 200,
      system: 'You can call tools.',
      tools: [
        {
          name: 'get_weather',
          description: 'Weather of a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }),
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 9 });
    expect(chatUpstream.requests[0]?.body).toMatchObject({
      model: 'chat-model',
      max_completion_tokens: 200,
      messages: [
        { role: 'system', content: 'You can call tools.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
  });

  it('streams to an Anthropic client from a chat provider stream', async () => {
    chatUpstream.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({ model: 'chat-model', pieces: ['Bon', 'jour'], promptTokens: 6, completionTokens: 2 }),
    }));
    const stream = anthropic.messages.stream({
      model: 'via-chat',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe('Bonjour');
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 6, output_tokens: 2 });
  });

  it('passes an Anthropic stream through with its thinking signature intact', async () => {
    claudeUpstream.script(() => ({
      kind: 'sse',
      events: anthropicStreamEvents({
        model: 'claude-sonnet',
        thinking: { text: 'Let me think.', signature: SIGNATURE },
        pieces: ['Done.'],
        outputTokens: 12,
      }),
    }));
    const final = await anthropic.messages
      .stream({
        model: 'via-claude',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'Think first.' }],
      })
      .finalMessage();
    expect(final.content[0]).toEqual(
      expect.objectContaining({ type: 'thinking', thinking: 'Let me think.', signature: SIGNATURE }),
    );
    expect(final.content[1]).toEqual(expect.objectContaining({ type: 'text', text: 'Done.' }));
    const sent = claudeUpstream.requests[0];
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.body).toMatchObject({ model: 'claude-sonnet', thinking: { type: 'enabled', budget_tokens: 1024 } });

    claudeUpstream.script(() => ({
      kind: 'json',
      body: anthropicBody({ model: 'claude-sonnet', text: 'Whole answer', inputTokens: 3, outputTokens: 2 }),
    }));
    const whole = await anthropic.messages.create({
      model: 'via-claude',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(whole).toMatchObject({
      id: 'msg_upstream_1',
      content: [{ type: 'text', text: 'Whole answer' }],
      usage: { input_tokens: 3 },
    });
  });

  it('translates a chat request to an Anthropic provider, reasoning and cache usage included', async () => {
    claudeUpstream.script(() => ({
      kind: 'sse',
      events: anthropicStreamEvents({
        model: 'claude-sonnet',
        thinking: { text: 'Hmm.', signature: SIGNATURE },
        pieces: ['Answer'],
        inputTokens: 5,
        cacheReadTokens: 100,
        outputTokens: 7,
      }),
    }));
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'via-claude',
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning_effort: 'low',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let reasoning = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      text += delta?.content ?? '';
      reasoning += delta?.reasoning_content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Answer');
    expect(reasoning).toBe('Hmm.');
    expect(usage).toMatchObject({
      prompt_tokens: 105,
      completion_tokens: 7,
      prompt_tokens_details: { cached_tokens: 100 },
    });
    const body = claudeUpstream.requests[0]?.body as { max_tokens: number; thinking: { budget_tokens: number } };
    expect(body.thinking.budget_tokens).toBe(1024);
    expect(body.max_tokens).toBeGreaterThan(1024);
  });

  it('counts tokens', async () => {
    const counted = await anthropic.messages.countTokens({
      model: 'via-chat',
      messages: [{ role: 'user', content: 'hello world' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('answers errors in the Anthropic error shape, in the stream too', async () => {
    await expect(
      anthropic.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      error: { type: 'error', error: { type: 'not_found_error' } },
    });
    const stranger = new Anthropic({ apiKey: 'sk-wrong', baseURL: gateway.url, maxRetries: 0 });
    await expect(
      stranger.messages.create({ model: 'via-chat', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 401,
      error: { type: 'error', error: { type: 'authentication_error' } },
    });

    // The upstream stalls after its first events: the client gets an error event, not a truncated success.
    claudeUpstream.script(() => ({
      kind: 'hang',
      events: anthropicStreamEvents({ model: 'claude-sonnet', pieces: ['Partial'] }).slice(0, 3),
    }));
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'via-claude',
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const text = await response.text();
    expect(text).toContain('event: message_start');
    expect(text).toContain('event: error');
    expect(text).not.toContain('event: message_stop');
  });
});
