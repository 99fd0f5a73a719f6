import OpenAI, { toFile } from 'openai';
import {
  ScriptedUpstream,
  chatStreamEvents,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type RecordedRequest,
  type TestDatabase,
} from '@plexus/testing';

const ADMIN_KEY = 'media-admin';
const KEY = 'sk-media';
const NARROW_KEY = 'sk-media-narrow';
const QUOTA_KEY = 'sk-media-quota';

interface UsageRow {
  requestId: string;
  incomingApiType: string;
  outgoingApiType: string | null;
  provider: string | null;
  selectedModelName: string | null;
  responseStatus: string;
  attemptCount: number;
  retryHistory: string | null;
  tokensInput: number;
  tokensOutput: number;
  costInput: number;
  costTotal: number;
  costSource: string | null;
}

/** Every byte value, so a relay that decodes or re-encodes anything shows. */
const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256));

/** The fields and files of a multipart body the upstream received. */
async function receivedForm(request: RecordedRequest): Promise<FormData> {
  const contentType = request.headers['content-type'] ?? '';
  expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
  return new Response(new Uint8Array(request.raw), { headers: { 'content-type': contentType } }).formData();
}

/**
 * The OpenAI-compatible media endpoints through the built gateway, driven by the official
 * `openai` SDK against scripted upstreams: routing by alias type, failover, usage and
 * cost, multipart uploads and binary audio relayed intact.
 */
describe('media endpoints through the built gateway', () => {
  let database: TestDatabase;
  let primary: ScriptedUpstream;
  let backup: ScriptedUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;

  const admin = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${gateway.url}/v0/management${path}`, {
      method,
      headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  async function usageRow(requestId: string): Promise<UsageRow & { attempts: Array<Record<string, unknown>> }> {
    for (let tries = 0; tries < 100; tries++) {
      const list = (await (await admin('GET', '/usage?limit=100')).json()) as { data: UsageRow[] };
      const row = list.data.find((candidate) => candidate.requestId === requestId);
      if (row)
        return {
          ...row,
          attempts: row.retryHistory ? (JSON.parse(row.retryHistory) as Array<Record<string, unknown>>) : [],
        };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no usage record for ${requestId}`);
  }

  const alias = (slug: string, type: string, primaryModel: string, backupModel: string): Promise<Response> =>
    admin('PUT', `/aliases/${slug}`, {
      type,
      target_groups: [
        { name: 'primary', selector: 'in_order', targets: [{ provider: 'a', model: primaryModel }] },
        { name: 'backup', selector: 'in_order', targets: [{ provider: 'b', model: backupModel }] },
      ],
    });

  beforeAll(async () => {
    [database, primary, backup] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    expect(
      (
        await admin('PUT', '/providers/a', {
          api_base_url: `${primary.url}/v1`,
          api_key: 'upstream-a',
          timeoutMs: 5000,
        })
      ).status,
    ).toBe(200);
    const backupProvider = await admin('PUT', '/providers/b', {
      api_base_url: { chat: `${backup.url}/v1`, messages: `${backup.url}/anthropic` },
      api_key: 'upstream-b',
      timeoutMs: 5000,
      models: {
        'b-embed': { type: 'embeddings', pricing: { source: 'simple', input: 0.02, output: 0 } },
        'b-tts': { type: 'speech', pricing: { source: 'per_request', amount: 0.015 } },
        'b-image': { type: 'image', pricing: { source: 'simple', input: 5, output: 40 } },
        'b-whisper': { type: 'transcriptions', pricing: { source: 'simple', input: 2.5, output: 10 } },
      },
    });
    expect(backupProvider.status).toBe(200);
    for (const [slug, type, model] of [
      ['embed', 'embeddings', 'embed'],
      ['say', 'speech', 'tts'],
      ['draw', 'image', 'image'],
      ['listen', 'transcriptions', 'whisper'],
    ] as const) {
      expect((await alias(slug, type, `a-${model}`, `b-${model}`)).status).toBe(200);
    }
    expect((await alias('chatty', 'text', 'a-chat', 'b-chat')).status).toBe(200);
    await admin('PUT', '/keys/media', { secret: KEY });
    await admin('PUT', '/keys/narrow', { secret: NARROW_KEY, excludedProviders: ['a'] });
    expect((await admin('PUT', '/user-quotas/two', { type: 'daily', limitType: 'requests', limit: 2 })).status).toBe(
      200,
    );
    await admin('PUT', '/keys/quota', { secret: QUOTA_KEY, quotas: ['two'] });
    expect(
      (
        await admin('PUT', '/providers/google', {
          api_base_url: { gemini: `${backup.url}/v1beta` },
          api_key: 'upstream-g',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin('PUT', '/aliases/gembed', {
          type: 'embeddings',
          target_groups: [
            { name: 'g', selector: 'in_order', targets: [{ provider: 'google', model: 'text-embedding-004' }] },
          ],
        })
      ).status,
    ).toBe(200);
    client = new OpenAI({ apiKey: KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([primary?.stop(), backup?.stop()]);
    await database?.drop();
  });

  beforeEach(async () => {
    primary.requests.length = 0;
    backup.requests.length = 0;
    primary.script(() => ({
      kind: 'json',
      status: 500,
      body: { error: { message: 'primary is down', type: 'server_error' } },
    }));
    expect((await admin('DELETE', '/cooldowns')).status).toBe(200);
  });

  it('embeddings: fail over from a 500 before any byte; the answer, tokens and cost are the backup target’s', async () => {
    const answer = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }],
      model: 'b-embed',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    };
    backup.script(() => ({ kind: 'json', body: answer }));
    const { data, response } = await client.embeddings
      .create({ model: 'embed', input: ['hello world'], encoding_format: 'float' })
      .withResponse();
    expect(data).toEqual(answer);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers.get('x-plexus-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(primary.requests.map((request) => request.path)).toEqual(['/v1/embeddings']);
    expect(backup.requests).toHaveLength(1);
    expect(backup.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      headers: expect.objectContaining({ authorization: 'Bearer upstream-b' }),
      body: { model: 'b-embed', input: ['hello world'], encoding_format: 'float' },
    });
    const row = await usageRow(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({
      incomingApiType: 'embeddings',
      outgoingApiType: 'embeddings',
      provider: 'b',
      selectedModelName: 'b-embed',
      responseStatus: 'success',
      attemptCount: 2,
      tokensInput: 8,
      tokensOutput: 0,
      costSource: 'simple',
    });
    expect(row.costTotal).toBeCloseTo((8 * 0.02) / 1e6, 10);
    expect(row.attempts).toEqual([
      expect.objectContaining({ provider: 'a', status: 'failed', statusCode: 500 }),
      expect.objectContaining({ provider: 'b', status: 'success' }),
    ]);
  });

  it('a chat alias cannot be used for embeddings, nor an embeddings alias for speech or chat: 400 in OpenAI’s error shape', async () => {
    const error = (await client.embeddings
      .create({ model: 'chatty', input: 'x', encoding_format: 'float' })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({
      message: "The model 'chatty' is a 'text' alias; this endpoint needs an 'embeddings' alias",
      type: 'invalid_request_error',
      param: 'model',
    });
    await expect(client.audio.speech.create({ model: 'embed', input: 'hi', voice: 'alloy' })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    await expect(
      client.embeddings.create({ model: 'no-such-alias', input: 'x', encoding_format: 'float' }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const chat = (await client.chat.completions
      .create({ model: 'embed', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect(chat.error).toMatchObject({
      message: "The model 'embed' is an 'embeddings' alias; this endpoint needs a 'text' alias",
    });
    expect(primary.requests).toHaveLength(0);
    expect(backup.requests).toHaveLength(0);
  });

  it("keeps to the key's provider deny list and answers 401 without a key", async () => {
    backup.script(() => ({
      kind: 'json',
      body: { object: 'list', data: [], model: 'b-embed', usage: { prompt_tokens: 1, total_tokens: 1 } },
    }));
    const narrow = new OpenAI({ apiKey: NARROW_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await narrow.embeddings.create({ model: 'embed', input: 'x', encoding_format: 'float' });
    expect(primary.requests).toHaveLength(0);
    expect(backup.requests).toHaveLength(1);
    const anonymous = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
  });

  it('speech: binary audio relayed byte for byte under its content type; per-request pricing', async () => {
    backup.script(() => ({ kind: 'bytes', contentType: 'audio/mpeg', body: BINARY, chunks: 4 }));
    const response = await client.audio.speech.create({ model: 'say', input: 'Hello world.', voice: 'alloy' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(Buffer.from(await response.arrayBuffer()).equals(BINARY)).toBe(true);
    expect(backup.requests[0]).toMatchObject({
      path: '/v1/audio/speech',
      body: { model: 'b-tts', input: 'Hello world.', voice: 'alloy' },
    });
    const row = await usageRow(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({
      incomingApiType: 'speech',
      provider: 'b',
      responseStatus: 'success',
      attemptCount: 2,
      costSource: 'per_request',
    });
    expect(row.costTotal).toBeCloseTo(0.015, 10);
  });

  it('transcriptions: the multipart upload reaches the upstream intact with the model re-targeted; token usage recorded', async () => {
    backup.script(() => ({
      kind: 'json',
      body: { text: 'hello there', usage: { type: 'tokens', input_tokens: 14, output_tokens: 3, total_tokens: 17 } },
    }));
    const { data, response } = await client.audio.transcriptions
      .create({ model: 'listen', file: await toFile(BINARY, 'clip.wav', { type: 'audio/wav' }), language: 'en' })
      .withResponse();
    expect(data).toEqual({
      text: 'hello there',
      usage: { type: 'tokens', input_tokens: 14, output_tokens: 3, total_tokens: 17 },
    });
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests[0].path).toBe('/v1/audio/transcriptions');
    const form = await receivedForm(backup.requests[0]);
    expect(form.get('model')).toBe('b-whisper');
    expect(form.get('language')).toBe('en');
    const file = form.get('file') as File;
    expect(file.name).toBe('clip.wav');
    expect(file.type).toBe('audio/wav');
    expect(Buffer.from(await file.arrayBuffer()).equals(BINARY)).toBe(true);
    const row = await usageRow(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({
      incomingApiType: 'transcriptions',
      provider: 'b',
      tokensInput: 14,
      tokensOutput: 3,
      responseStatus: 'success',
    });
    expect(row.costTotal).toBeCloseTo((14 * 2.5 + 3 * 10) / 1e6, 10);
  });

  it('transcriptions: a missing file or an unsupported response_format is a 400 before any upstream call', async () => {
    const noFile = new FormData();
    noFile.set('model', 'listen');
    const missing = await fetch(`${gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: noFile,
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'file' } });
    await expect(
      client.audio.transcriptions.create({
        model: 'listen',
        file: await toFile(BINARY, 'clip.wav'),
        response_format: 'srt',
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(primary.requests).toHaveLength(0);
  });

  it('image generation: routed to the image alias; token usage and cost recorded', async () => {
    const answer = {
      created: 1_700_000_000,
      data: [{ b64_json: BINARY.toString('base64') }],
      usage: { input_tokens: 50, output_tokens: 4160, total_tokens: 4210 },
    };
    backup.script(() => ({ kind: 'json', body: answer }));
    const { data, response } = await client.images
      .generate({ model: 'draw', prompt: 'A tiny red square', size: '1024x1024' })
      .withResponse();
    expect(data).toEqual(answer);
    expect(backup.requests[0]).toMatchObject({
      path: '/v1/images/generations',
      body: { model: 'b-image', prompt: 'A tiny red square', size: '1024x1024' },
    });
    const row = await usageRow(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({
      incomingApiType: 'images',
      provider: 'b',
      tokensInput: 50,
      tokensOutput: 4160,
      attemptCount: 2,
    });
    expect(row.costTotal).toBeCloseTo((50 * 5 + 4160 * 40) / 1e6, 10);
  });

  it('image edit: image and mask uploads relayed intact; a missing prompt is a 400', async () => {
    backup.script(() => ({ kind: 'json', body: { created: 1, data: [{ url: 'https://images.example/1.png' }] } }));
    const mask = Buffer.from(BINARY).reverse();
    const result = await client.images.edit({
      model: 'draw',
      prompt: 'make it blue',
      image: await toFile(BINARY, 'in.png', { type: 'image/png' }),
      mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
    });
    expect(result.data?.[0]?.url).toBe('https://images.example/1.png');
    expect(backup.requests[0].path).toBe('/v1/images/edits');
    const form = await receivedForm(backup.requests[0]);
    expect(form.get('model')).toBe('b-image');
    expect(form.get('prompt')).toBe('make it blue');
    expect(Buffer.from(await (form.get('image') as File).arrayBuffer()).equals(BINARY)).toBe(true);
    expect(Buffer.from(await (form.get('mask') as File).arrayBuffer()).equals(mask)).toBe(true);

    const noPrompt = new FormData();
    noPrompt.set('model', 'draw');
    noPrompt.set('image', new File([BINARY], 'in.png', { type: 'image/png' }));
    const refused = await fetch(`${gateway.url}/v1/images/edits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: noPrompt,
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { param: 'prompt' } });
  });

  it('every target failing: the last upstream status, in OpenAI’s error shape, and a cooldown for each', async () => {
    backup.script(() => ({ kind: 'json', status: 503, body: { error: { message: 'backup is down too' } } }));
    const error = (await client.images
      .generate({ model: 'draw', prompt: 'x' })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(503);
    expect(error.error).toMatchObject({ message: expect.stringContaining('backup is down too') });
    const cooling = (await (await admin('GET', '/cooldowns')).json()) as Array<{ provider: string; model: string }>;
    expect(cooling).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'a', model: 'a-image' }),
        expect.objectContaining({ provider: 'b', model: 'b-image' }),
      ]),
    );
  });

  it('embeddings on a Gemini provider: :batchEmbedContents with x-goog-api-key, answered as an OpenAI list', async () => {
    backup.script(() => ({ kind: 'json', body: { embeddings: [{ values: [0.5, 0.25] }, { values: [-1, 1] }] } }));
    const result = await client.embeddings.create({
      model: 'gembed',
      input: ['one', 'two'],
      encoding_format: 'float',
      dimensions: 2,
    });
    expect(result).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, 0.25] },
        { object: 'embedding', index: 1, embedding: [-1, 1] },
      ],
      model: 'text-embedding-004',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    expect(backup.requests[0]).toMatchObject({
      path: '/v1beta/models/text-embedding-004:batchEmbedContents',
      headers: expect.objectContaining({ 'x-goog-api-key': 'upstream-g' }),
      body: {
        requests: [
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'one' }] }, outputDimensionality: 2 },
          { model: 'models/text-embedding-004', content: { parts: [{ text: 'two' }] }, outputDimensionality: 2 },
        ],
      },
    });
  });

  it('speech as an SSE stream: frames relayed as they are, the usage of speech.audio.done recorded', async () => {
    const delta = JSON.stringify({ type: 'speech.audio.delta', audio: BINARY.subarray(0, 64).toString('base64') });
    const done = JSON.stringify({
      type: 'speech.audio.done',
      usage: { input_tokens: 5, output_tokens: 40, total_tokens: 45 },
    });
    backup.script(() => ({ kind: 'sse', events: [delta, done] }));
    const response = await fetch(`${gateway.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'say', input: 'Hi', voice: 'alloy', stream_format: 'sse' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe(`data: ${delta}\n\ndata: ${done}\n\n`);
    expect(backup.requests[0].body).toMatchObject({ model: 'b-tts', stream_format: 'sse' });
    const row = await usageRow(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({
      incomingApiType: 'speech',
      tokensInput: 5,
      tokensOutput: 40,
      responseStatus: 'success',
    });
  });

  it("counts media requests against the key's user quota: the third of a two-request quota is a 429", async () => {
    backup.script(() => ({
      kind: 'json',
      body: { object: 'list', data: [], model: 'b-embed', usage: { prompt_tokens: 1, total_tokens: 1 } },
    }));
    const limited = new OpenAI({ apiKey: QUOTA_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const first = await limited.embeddings
      .create({ model: 'embed', input: 'x', encoding_format: 'float' })
      .withResponse();
    expect(first.response.headers.get('x-plexus-quota-limit')).toBe('2');
    await limited.embeddings.create({ model: 'embed', input: 'x', encoding_format: 'float' });
    const refused = (await limited.embeddings
      .create({ model: 'embed', input: 'x', encoding_format: 'float' })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(429);
    expect(refused.error).toMatchObject({ type: 'quota_exceeded', quota_name: 'two' });
  });

  it('streamed answers (chat SSE here, audio above) carry the CORS headers', async () => {
    backup.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'b-chat', pieces: ['hi'] }) }));
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify({ model: 'chatty', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(await response.text()).toContain('[DONE]');
  });

  it('a client that hangs up mid-audio aborts the upstream call, and the request is recorded as cancelled', async () => {
    backup.script(() => ({ kind: 'hang', events: ['{"type":"speech.audio.delta","audio":"AAAA"}'] }));
    const abort = new AbortController();
    const response = await fetch(`${gateway.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'say', input: 'Hi', voice: 'alloy', stream_format: 'sse' }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('speech.audio.delta');
    abort.abort();
    for (let tries = 0; tries < 50 && backup.aborted.length === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backup.aborted).toHaveLength(1);
    const row = await usageRow(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({ incomingApiType: 'speech', responseStatus: 'cancelled', provider: 'b' });
  });
});
