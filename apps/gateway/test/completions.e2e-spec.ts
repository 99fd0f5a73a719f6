import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const ADMIN_KEY = 'completions-admin';
const KEY = 'sk-completions-client';

describe('legacy /v1/completions through the built gateway', () => {
  let dataDir: string;
  let chatUpstream: ScriptedUpstream;
  let fimUpstream: ScriptedUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;

  const admin = (path: string, body: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, 'PUT', path, body);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-completions-'));
    [chatUpstream, fimUpstream] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    await admin('/providers/chatty', { api_base_url: `${chatUpstream.url}/v1`, api_key: 'sk-chat' });
    await admin('/providers/fim', { api_base_url: { completions: `${fimUpstream.url}/v1` }, api_key: 'sk-fim' });
    await admin('/aliases/chat-emulated', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'chatty', model: 'chat-model' }] }],
    });
    await admin('/aliases/native-fim', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'fim', model: 'coder' }] }],
    });
    await admin('/keys/k', { secret: KEY });
    client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([chatUpstream?.stop(), fimUpstream?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('emulates fill-in-the-middle on a chat model', async () => {
    chatUpstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'chat-model', content: 'return a + b', promptTokens: 20, completionTokens: 4 }),
    }));
    const completion = await client.completions.create({
      model: 'chat-emulated',
      prompt: 'def add(a, b):\n    ',
      suffix: '\n',
      max_tokens: 16,
    });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0]?.text).toBe('return a + b');
    expect(completion.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 4 });
    const sent = chatUpstream.requests[0]?.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages[1]?.content).toBe('<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n<|fim_middle|>');
  });

  it('passes a completion straight through to a completions provider, streamed', async () => {
    const base = { id: 'cmpl-up', object: 'text_completion', created: 1, model: 'coder' };
    fimUpstream.script(() => ({
      kind: 'sse',
      events: [
        JSON.stringify({ ...base, choices: [{ text: 'return', index: 0, logprobs: null, finish_reason: null }] }),
        JSON.stringify({ ...base, choices: [{ text: ' a + b', index: 0, logprobs: null, finish_reason: 'stop' }] }),
        JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }),
        '[DONE]',
      ],
    }));
    const stream = await client.completions.create({
      model: 'native-fim',
      prompt: 'def add(a, b):\n    ',
      stream: true,
    });
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      sawUsage ||= chunk.usage != null;
    }
    expect(text).toBe('return a + b');
    expect(sawUsage).toBe(false);
    expect(fimUpstream.requests[0]?.path).toBe('/v1/completions');
    expect(fimUpstream.requests[0]?.body).toMatchObject({
      model: 'coder',
      prompt: 'def add(a, b):\n    ',
      stream_options: { include_usage: true },
    });
  });
});
