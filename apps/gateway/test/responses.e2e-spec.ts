import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  chatStreamEvents,
  responsesBody,
  responsesStreamEvents,
  startGateway,
  type GatewayProcess,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const ADMIN_KEY = 'responses-admin';

describe('POST /v1/responses through the built gateway', () => {
  let dataDir: string;
  let chatUpstream: ScriptedUpstream;
  let responsesUpstream: ScriptedUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let otherClient: OpenAI;

  const admin = (path: string, body: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, 'PUT', path, body);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-responses-'));
    [chatUpstream, responsesUpstream] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    await admin('/providers/chatty', { api_base_url: `${chatUpstream.url}/v1`, api_key: 'sk-chat' });
    await admin('/providers/native', {
      api_base_url: { responses: `${responsesUpstream.url}/v1` },
      api_key: 'sk-native',
    });
    await admin('/aliases/via-chat', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'chatty', model: 'chat-model' }] }],
    });
    await admin('/aliases/via-responses', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'native', model: 'resp-model' }] }],
    });
    await admin('/keys/one', { secret: 'sk-responses-one' });
    await admin('/keys/two', { secret: 'sk-responses-two' });
    client = new OpenAI({ apiKey: 'sk-responses-one', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    otherClient = new OpenAI({ apiKey: 'sk-responses-two', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([chatUpstream?.stop(), responsesUpstream?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    chatUpstream.requests.length = 0;
    responsesUpstream.requests.length = 0;
  });

  it('translates a Responses request to a chat provider and back', async () => {
    chatUpstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'chat-model', content: 'Bonjour', promptTokens: 8, completionTokens: 2 }),
    }));
    const response = await client.responses.create({
      model: 'via-chat',
      instructions: 'Answer in French.',
      input: 'Hello',
    });
    expect(response.output_text).toBe('Bonjour');
    expect(response.id).toMatch(/^resp_/);
    expect(response.usage).toMatchObject({ input_tokens: 8, output_tokens: 2 });
    expect(chatUpstream.requests[0]?.body).toMatchObject({
      model: 'chat-model',
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('streams a Responses answer translated from a chat stream', async () => {
    chatUpstream.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({ model: 'chat-model', pieces: ['Bon', 'jour'], promptTokens: 8, completionTokens: 2 }),
    }));
    const stream = await client.responses.create({ model: 'via-chat', input: 'Hello', stream: true });
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe('Bonjour');
    expect(completed?.output_text ?? completed?.output).toBeDefined();
    expect(completed?.usage).toMatchObject({ input_tokens: 8, output_tokens: 2 });
  });

  it('continues a stored conversation with previous_response_id, scoped to its key', async () => {
    chatUpstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'chat-model', content: 'Paris is the capital.' }),
    }));
    const first = await client.responses.create({ model: 'via-chat', input: 'What is the capital of France?' });
    chatUpstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'chat-model', content: 'About 2 million.' }),
    }));
    const second = await client.responses.create({
      model: 'via-chat',
      input: 'How many people live there?',
      previous_response_id: first.id,
    });
    expect(second.output_text).toBe('About 2 million.');
    expect((chatUpstream.requests[1]?.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'What is the capital of France?' },
      { role: 'assistant', content: 'Paris is the capital.' },
      { role: 'user', content: 'How many people live there?' },
    ]);

    const fetched = await client.responses.retrieve(first.id);
    expect(fetched.output_text).toBe('Paris is the capital.');
    await expect(otherClient.responses.retrieve(first.id)).rejects.toMatchObject({
      status: 404,
      code: 'response_not_found',
    });
    await expect(
      otherClient.responses.create({ model: 'via-chat', input: 'x', previous_response_id: first.id }),
    ).rejects.toMatchObject({ status: 404, code: 'response_not_found' });

    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
  });

  it('passes a store:false request through to a Responses provider byte for byte', async () => {
    responsesUpstream.script(() => ({
      kind: 'sse',
      events: responsesStreamEvents({ model: 'resp-model', pieces: ['Hi', '!'], inputTokens: 5, outputTokens: 2 }),
    }));
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-responses-one', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'via-responses',
        input: 'Hey',
        stream: true,
        store: false,
        safety_identifier: 'user-7',
      }),
    });
    const text = await response.text();
    expect(text).toContain('"resp_upstream_2"');
    expect(text).toContain('event: response.completed');
    expect(responsesUpstream.requests[0]?.path).toBe('/v1/responses');
    expect(responsesUpstream.requests[0]?.body).toMatchObject({
      model: 'resp-model',
      input: 'Hey',
      store: false,
      safety_identifier: 'user-7',
    });
  });

  it('translates a chat request to a Responses provider', async () => {
    responsesUpstream.script(() => ({
      kind: 'json',
      body: responsesBody({ model: 'resp-model', text: 'From responses', inputTokens: 6, outputTokens: 3 }),
    }));
    const completion = await client.chat.completions.create({
      model: 'via-responses',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('From responses');
    expect(completion.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 3 });
    expect(responsesUpstream.requests[0]?.body).toMatchObject({ model: 'resp-model', store: false });
  });

  it('answers errors in the Responses error shape', async () => {
    await expect(client.responses.create({ model: 'no-such-alias', input: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    const bad = new OpenAI({ apiKey: 'sk-nope', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await expect(bad.responses.create({ model: 'via-chat', input: 'x' })).rejects.toMatchObject({ status: 401 });
  });
});
