import { GoogleGenAI } from '@google/genai';
import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  chatStreamEvents,
  geminiBody,
  geminiStreamEvents,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const ADMIN_KEY = 'gemini-admin';
const KEY = 'sk-gemini-client';

describe('Gemini ingress and provider through the built gateway', () => {
  let dataDir: string;
  let chatUpstream: ScriptedUpstream;
  let geminiUpstream: ScriptedUpstream;
  let gateway: GatewayProcess;
  let genai: GoogleGenAI;

  const admin = (path: string, body: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, 'PUT', path, body);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-gemini-'));
    [chatUpstream, geminiUpstream] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    await admin('/providers/chatty', { api_base_url: `${chatUpstream.url}/v1`, api_key: 'sk-chat' });
    await admin('/providers/google', { api_base_url: { gemini: `${geminiUpstream.url}/v1beta` }, api_key: 'goog-key' });
    await admin('/aliases/via-chat', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'chatty', model: 'chat-model' }] }],
    });
    await admin('/aliases/via-gemini', {
      target_groups: [
        { name: 'g', selector: 'in_order', targets: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
      ],
    });
    await admin('/keys/k', { secret: KEY });
    genai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gateway.url } });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([chatUpstream?.stop(), geminiUpstream?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    chatUpstream.requests.length = 0;
    geminiUpstream.requests.length = 0;
  });

  it('answers a Gemini client from a chat provider', async () => {
    chatUpstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'chat-model', content: 'Hi from chat', promptTokens: 7, completionTokens: 3 }),
    }));
    const response = await genai.models.generateContent({
      model: 'via-chat',
      contents: 'Hello',
      config: { systemInstruction: 'Be nice.', temperature: 0.2, maxOutputTokens: 50 },
    });
    expect(response.text).toBe('Hi from chat');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 7, candidatesTokenCount: 3 });
    expect(chatUpstream.requests[0]?.body).toMatchObject({
      model: 'chat-model',
      temperature: 0.2,
      max_completion_tokens: 50,
      messages: [
        { role: 'system', content: 'Be nice.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('streams to a Gemini client from a chat provider stream', async () => {
    chatUpstream.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({
        model: 'chat-model',
        pieces: ['Str', 'eam', 'ed'],
        promptTokens: 4,
        completionTokens: 3,
      }),
    }));
    const stream = await genai.models.generateContentStream({ model: 'via-chat', contents: 'Hello' });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
    }
    expect(text).toBe('Streamed');
    expect(usage).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 3 });
  });

  it('passes a Gemini request through to a Gemini provider, model in the URL', async () => {
    geminiUpstream.script(() => ({ kind: 'json', body: geminiBody({ text: 'native answer' }) }));
    const response = await genai.models.generateContent({ model: 'via-gemini', contents: 'Hello' });
    expect(response.text).toBe('native answer');
    const sent = geminiUpstream.requests[0];
    expect(sent?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe('goog-key');
    expect(sent?.body).not.toHaveProperty('model');
    expect(sent?.body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
  });

  it('translates a streamed chat request to a Gemini provider', async () => {
    geminiUpstream.script(() => ({
      kind: 'sse',
      events: geminiStreamEvents({ pieces: ['Gem', 'ini'], promptTokens: 5, candidateTokens: 2 }),
    }));
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'via-gemini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Gemini');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 });
    expect(geminiUpstream.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('counts tokens and lists models', async () => {
    const counted = await genai.models.countTokens({ model: 'via-chat', contents: 'hello world' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    const listed = await fetch(`${gateway.url}/v1beta/models`, { headers: { 'x-goog-api-key': KEY } });
    expect(
      ((await listed.json()) as { models: Array<{ name: string }> }).models.map((model) => model.name).sort(),
    ).toEqual(['models/via-chat', 'models/via-gemini']);
  });

  it('answers errors in the Gemini error shape', async () => {
    const response = await fetch(`${gateway.url}/v1beta/models/nope:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const unauthenticated = await fetch(`${gateway.url}/v1beta/models/via-chat:generateContent?key=wrong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [] }),
    });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
  });
});
