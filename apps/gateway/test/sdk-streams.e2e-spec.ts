import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import {
  callManagement,
  ScriptedUpstream,
  startGateway,
  type GatewayProcess,
  type ScriptedEvent,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const ADMIN_KEY = 'sdk-admin';
const KEY = 'sk-sdk-client';
const SIGNATURE = 'Eo8BCkYIBRgCIkBsig/+==';

/** A chat upstream streaming reasoning, then one tool call whose arguments arrive in pieces. */
function chatToolStream(): string[] {
  const base = { id: 'chatcmpl-tools', object: 'chat.completion.chunk', created: 1, model: 'chat-model' };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  return [
    chunk({ role: 'assistant', content: '' }),
    chunk({ reasoning_content: 'The user wants weather. ' }),
    chunk({ reasoning_content: 'Call the tool.' }),
    chunk({
      tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '' } }],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
    chunk({}, 'tool_calls'),
    JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: 15, total_tokens: 35 } }),
    '[DONE]',
  ];
}

/** An Anthropic upstream streaming signed thinking, then a tool_use with input_json deltas. */
function anthropicToolStream(): ScriptedEvent[] {
  const events: Array<Record<string, unknown>> = [
    {
      type: 'message_start',
      message: {
        id: 'msg_t',
        type: 'message',
        role: 'assistant',
        model: 'claude',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 20, output_tokens: 1 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Need the weather tool.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: SIGNATURE } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city"' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ':"Oslo"}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 15 } },
    { type: 'message_stop' },
  ];
  return events.map((event) => ({ event: event['type'] as string, data: JSON.stringify(event) }));
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

describe('the official SDKs parse the streams the gateway emits, tool calls and thinking included', () => {
  let dataDir: string;
  let chatUpstream: ScriptedUpstream;
  let claudeUpstream: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = (path: string, body: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, 'PUT', path, body);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-sdk-'));
    [chatUpstream, claudeUpstream] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    chatUpstream.script(() => ({ kind: 'sse', events: chatToolStream() }));
    claudeUpstream.script(() => ({ kind: 'sse', events: anthropicToolStream() }));
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    await admin('/providers/chatty', { api_base_url: `${chatUpstream.url}/v1` });
    await admin('/providers/claude', { api_base_url: { messages: claudeUpstream.url } });
    await admin('/aliases/via-chat', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'chatty', model: 'chat-model' }] }],
    });
    await admin('/aliases/via-claude', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'claude', model: 'claude' }] }],
    });
    await admin('/keys/k', { secret: KEY });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([chatUpstream?.stop(), claudeUpstream?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('openai: a chat stream translated from Anthropic carries the reasoning and the assembled tool call', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'via-claude',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ type: 'function', function: WEATHER_TOOL }],
    });
    let reasoning = '';
    stream.on('chunk', (chunk) => {
      reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    });
    const completion = await stream.finalChatCompletion();
    expect(reasoning).toBe('Need the weather tool.');
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls).toEqual([
      expect.objectContaining({
        id: 'toolu_1',
        type: 'function',
        function: expect.objectContaining({ name: 'get_weather', arguments: '{"city":"Oslo"}' }),
      }),
    ]);
  });

  it('anthropic: a Messages stream translated from chat carries a thinking block and the parsed tool input', async () => {
    const anthropic = new Anthropic({ apiKey: KEY, baseURL: gateway.url, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({
        model: 'via-chat',
        max_tokens: 500,
        tools: [
          {
            name: WEATHER_TOOL.name,
            description: WEATHER_TOOL.description,
            input_schema: WEATHER_TOOL.parameters as Anthropic.Tool.InputSchema,
          },
        ],
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'thinking', thinking: 'The user wants weather. Call the tool.' }),
      expect.objectContaining({ type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } }),
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 15 });
  });

  it('anthropic: an Anthropic stream passed through keeps the thinking signature', async () => {
    const anthropic = new Anthropic({ apiKey: KEY, baseURL: gateway.url, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({
        model: 'via-claude',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'x' }],
      })
      .finalMessage();
    expect(message.content[0]).toEqual(expect.objectContaining({ type: 'thinking', signature: SIGNATURE }));
    expect(message.content[1]).toEqual(expect.objectContaining({ type: 'tool_use', input: { city: 'Oslo' } }));
  });

  it('google genai: a Gemini stream translated from chat carries the function call', async () => {
    const genai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gateway.url } });
    const stream = await genai.models.generateContentStream({
      model: 'via-chat',
      contents: 'Weather in Oslo?',
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: WEATHER_TOOL.name,
                description: WEATHER_TOOL.description,
                parametersJsonSchema: WEATHER_TOOL.parameters,
              },
            ],
          },
        ],
      },
    });
    const calls: Array<{ name?: string; args?: Record<string, unknown> }> = [];
    let thoughts = '';
    for await (const chunk of stream) {
      calls.push(...(chunk.functionCalls ?? []));
      for (const part of chunk.candidates?.[0]?.content?.parts ?? [])
        if (part.thought && part.text) thoughts += part.text;
    }
    expect(calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Oslo' } })]);
    expect(thoughts).toBe('The user wants weather. Call the tool.');
  });

  it('openai responses: a Responses stream translated from Anthropic carries the reasoning and the function call', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const stream = client.responses.stream({
      model: 'via-claude',
      input: 'Weather in Oslo?',
      store: false,
      tools: [
        {
          type: 'function',
          name: WEATHER_TOOL.name,
          description: WEATHER_TOOL.description,
          parameters: WEATHER_TOOL.parameters,
          strict: false,
        },
      ],
    });
    const response = await stream.finalResponse();
    const call = response.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(response.output.find((item) => item.type === 'reasoning')).toBeDefined();
  });
});
