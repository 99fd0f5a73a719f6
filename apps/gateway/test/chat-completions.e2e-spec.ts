import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  chatStreamEvents,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
  waitForUsageRow,
} from '@plexus/testing';
import OpenAI from 'openai';

const ADMIN_KEY = 'e2e-admin-key';
const CLIENT_KEY = 'sk-e2e-client-0001';

function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<Response> {
  return callManagement(gateway.url, ADMIN_KEY, method, path, body);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /v1/chat/completions through the built gateway (real PostgreSQL)', () => {
  let upstream: ScriptedUpstream;
  let backup: ScriptedUpstream;
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let client: OpenAI;

  const usageRow = (requestId: string): Promise<Record<string, unknown>> => waitForUsageRow(database.url, requestId);

  beforeAll(async () => {
    [upstream, backup, database] = await Promise.all([
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
      createTestDatabase(),
    ]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    expect(
      (
        await admin(gateway, 'PUT', '/providers/mock', {
          api_base_url: `${upstream.url}/v1`,
          api_key: 'sk-upstream-secret',
        })
      ).status,
    ).toBe(200);
    expect(
      (await admin(gateway, 'PUT', '/providers/backup', { api_base_url: `${backup.url}/v1`, api_key: 'sk-backup' }))
        .status,
    ).toBe(200);
    expect(
      (
        await admin(gateway, 'PUT', '/aliases/fast', {
          target_groups: [
            { name: 'primary', selector: 'in_order', targets: [{ provider: 'mock', model: 'gpt-upstream' }] },
          ],
          additional_aliases: ['quick'],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin(gateway, 'PUT', '/aliases/resilient', {
          target_groups: [
            { name: 'first', selector: 'in_order', targets: [{ provider: 'mock', model: 'flaky' }] },
            { name: 'second', selector: 'in_order', targets: [{ provider: 'backup', model: 'steady' }] },
          ],
        })
      ).status,
    ).toBe(200);
    expect((await admin(gateway, 'PUT', '/keys/e2e', { secret: CLIENT_KEY, comment: 'e2e' })).status).toBe(200);
    client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([upstream?.stop(), backup?.stop()]);
    await database?.drop();
  });

  beforeEach(() => {
    upstream.requests.length = 0;
    backup.requests.length = 0;
  });

  it('answers a non-streamed completion through an alias and records its usage', async () => {
    upstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'gpt-upstream', content: 'Hello!', promptTokens: 9, completionTokens: 3 }),
    }));
    const { data, response } = await client.chat.completions
      .create({
        model: 'fast',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe('Hello!');
    expect(data.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3 });
    const sent = upstream.requests[0];
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers['authorization']).toBe('Bearer sk-upstream-secret');
    expect(sent?.body).toMatchObject({
      model: 'gpt-upstream',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });

    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const row = await usageRow(requestId as string);
    expect(row).toMatchObject({
      api_key: 'e2e',
      incoming_api_type: 'chat',
      outgoing_api_type: 'chat',
      incoming_model_alias: 'fast',
      provider: 'mock',
      selected_model_name: 'gpt-upstream',
      response_status: 'success',
      is_streamed: false,
      is_passthrough: true,
      tokens_input: 9,
      tokens_output: 3,
    });
    expect(row['duration_ms']).toEqual(expect.any(Number));
  });

  it('streams through an additional alias, with usage only when the client asks for it', async () => {
    upstream.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({
        model: 'gpt-upstream',
        pieces: ['Hel', 'lo', ' there'],
        promptTokens: 20,
        completionTokens: 3,
        cachedTokens: 8,
      }),
    }));

    const withUsage = await client.chat.completions.create({
      model: 'quick',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of withUsage) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello there');
    expect(usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 3,
      prompt_tokens_details: { cached_tokens: 8 },
    });

    const withoutUsage = await client.chat.completions.create({
      model: 'quick',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of withoutUsage) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    // The gateway asked the upstream for usage both times, to record it.
    expect(upstream.requests.map((request) => (request.body as { stream_options?: unknown }).stream_options)).toEqual([
      { include_usage: true },
      { include_usage: true },
    ]);
  });

  it('records time to first token and tokens of a streamed request', async () => {
    upstream.script(() => ({
      kind: 'sse',
      delayMs: 20,
      events: chatStreamEvents({
        model: 'gpt-upstream',
        pieces: ['a', 'b', 'c'],
        promptTokens: 7,
        completionTokens: 3,
      }),
    }));
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}:Mobile`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const row = await usageRow(response.headers.get('x-request-id') as string);
    expect(row).toMatchObject({
      is_streamed: true,
      tokens_input: 7,
      tokens_output: 3,
      attribution: 'mobile',
      response_status: 'success',
    });
    expect(row['ttft_ms']).toEqual(expect.any(Number));
    expect(row['duration_ms'] as number).toBeGreaterThanOrEqual(row['ttft_ms'] as number);
  });

  it('fails over to the next group when the first target answers 503 before any byte', async () => {
    upstream.script(() => ({ kind: 'json', status: 503, body: { error: { message: 'overloaded' } } }));
    backup.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'steady', content: 'from backup' }) }));
    const { data, response } = await client.chat.completions
      .create({ model: 'resilient', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('from backup');
    const row = await usageRow(response.headers.get('x-request-id') as string);
    expect(row).toMatchObject({ provider: 'backup', attempt_count: 2, response_status: 'success' });
    expect(row['retry_history']).toEqual([
      expect.objectContaining({ provider: 'mock', model: 'flaky', status: 'failed', statusCode: 503 }),
      expect.objectContaining({ provider: 'backup', model: 'steady', status: 'success' }),
    ]);
  });

  it('relays the upstream status in an OpenAI error when every target fails', async () => {
    upstream.script(() => ({ kind: 'json', status: 400, body: { error: { message: 'bad temperature' } } }));
    await expect(
      client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('bad temperature'),
    });
  });

  it('routes direct/<provider>/<model> without an alias', async () => {
    upstream.script((request) => ({
      kind: 'json',
      body: chatCompletionBody({ model: (request.body as { model: string }).model, content: 'direct' }),
    }));
    const data = await client.chat.completions.create({
      model: 'direct/mock/raw-model',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(data.choices[0]?.message.content).toBe('direct');
    expect((upstream.requests[0]?.body as { model: string }).model).toBe('raw-model');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    upstream.script(() => ({
      kind: 'hang',
      events: chatStreamEvents({ model: 'gpt-upstream', pieces: ['partial'] }).slice(0, 2),
    }));
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'fast', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { signal: abort.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    abort.abort();
    await waitFor(() => Promise.resolve(upstream.aborted.length > 0 ? true : undefined));
  });

  it('lists the recorded requests at /v0/management/usage, filtered, paged and projected', async () => {
    upstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'gpt-upstream', content: 'logged', completionTokens: 6 }),
    }));
    const { response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'log me' }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id') as string;
    await usageRow(requestId);

    const page = (await (
      await admin(gateway, 'GET', '/usage?apiKey=e2e&limit=2&fields=requestId,tokensOutput,responseStatus')
    ).json()) as {
      data: Array<Record<string, unknown>>;
      total: number;
      limit: number;
      offset: number;
    };
    expect(page.limit).toBe(2);
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.data).toHaveLength(2);
    expect(page.data[0]).toEqual({ requestId, tokensOutput: 6, responseStatus: 'success' });

    const failures = (await (await admin(gateway, 'GET', '/usage?responseStatus=error')).json()) as {
      data: Array<{ hasError: boolean }>;
    };
    expect(failures.data.every((record) => record.hasError)).toBe(true);
    expect((await admin(gateway, 'GET', '/usage?limit=9000')).status).toBe(400);

    const summary = (await (await admin(gateway, 'GET', '/usage/summary?range=hour')).json()) as {
      range: string;
      series: Array<{ bucketStartMs: number; requests: number; outputTokens: number }>;
      stats: { totalRequests: number };
      today: { requests: number; outputTokens: number };
    };
    expect(summary.range).toBe('hour');
    const requests = summary.series.reduce((sum, point) => sum + point.requests, 0);
    // Every request of this suite so far used the one key the page was filtered by.
    expect(requests).toBe(page.total);
    expect(summary.series.every((point) => point.bucketStartMs % 3_600_000 === 0)).toBe(true);
    expect(summary.stats.totalRequests).toBe(requests);
    expect(summary.today.requests).toBe(requests);
    expect((await admin(gateway, 'GET', '/usage/summary?range=custom')).status).toBe(400);

    expect(await (await admin(gateway, 'DELETE', `/usage/${requestId}`)).json()).toEqual({ success: true });
    expect((await admin(gateway, 'DELETE', `/usage/${requestId}`)).status).toBe(404);
  });

  it('prices a request on the target that answered, with the provider discount', async () => {
    expect(
      (
        await admin(gateway, 'PUT', '/providers/priced', {
          api_base_url: `${upstream.url}/v1`,
          discount: 0.5,
          models: { 'priced-model': { pricing: { source: 'simple', input: 2, output: 10 } } },
        })
      ).status,
    ).toBe(200);
    upstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'priced-model', content: 'paid', promptTokens: 1000, completionTokens: 500 }),
    }));
    const { response } = await client.chat.completions
      .create({ model: 'direct/priced/priced-model', messages: [{ role: 'user', content: 'bill me' }] })
      .withResponse();
    const row = await usageRow(response.headers.get('x-request-id') as string);
    expect(row).toMatchObject({ cost_input: 0.001, cost_output: 0.0025, cost_total: 0.0035, cost_source: 'simple' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/plexus_cost_usd_total\{provider="priced",model="priced-model"\} 0\.0035/);
  });

  it('shows the performance the selectors route by at /v0/management/performance', async () => {
    upstream.script(() => ({
      kind: 'sse',
      delayMs: 5,
      events: chatStreamEvents({ model: 'gpt-upstream', pieces: ['a', 'b', 'c'], completionTokens: 30 }),
    }));
    const stream = await client.chat.completions.create({
      model: 'fast',
      stream: true,
      messages: [{ role: 'user', content: 'speed?' }],
    });
    for await (const chunk of stream) void chunk;
    const rows = (await (await admin(gateway, 'GET', '/performance?provider=mock&model=gpt-upstream')).json()) as Array<
      Record<string, unknown>
    >;
    expect(rows).toEqual([
      expect.objectContaining({
        provider: 'mock',
        model: 'gpt-upstream',
        avg_ttft_ms: expect.any(Number),
        failure_count: expect.any(Number),
      }),
    ]);
    expect(rows[0]?.['success_count']).toBeGreaterThan(0);
    expect(rows[0]?.['avg_tokens_per_sec']).toBeGreaterThan(0);
    expect(await (await admin(gateway, 'DELETE', '/performance?model=gpt-upstream')).json()).toEqual({
      success: true,
      model: 'gpt-upstream',
    });
    expect(await (await admin(gateway, 'GET', '/performance?model=gpt-upstream')).json()).toEqual([]);
    expect((await admin(gateway, 'DELETE', '/performance')).status).toBe(400);
  });

  it('exposes Prometheus metrics without naming API keys', async () => {
    upstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'gpt-upstream', content: 'counted', completionTokens: 4 }),
    }));
    await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'count me' }] });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /plexus_requests_total\{api_type="chat",provider="mock",model="gpt-upstream",status="success"\} \d+/,
    );
    expect(metrics).toMatch(/plexus_tokens_total\{provider="mock",model="gpt-upstream",kind="output"\} \d+/);
    expect(metrics).toContain('plexus_in_flight 0');
    expect(metrics).toContain('plexus_usage_buffer_depth');
    expect(metrics).not.toContain('e2e');
    expect((await fetch(`${gateway.url}/v0/management/metrics`)).status).toBe(401);
    expect(await (await admin(gateway, 'GET', '/metrics')).text()).toContain('plexus_requests_total');
  });

  it('lists aliases at /v1/models', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(['fast', 'resilient']);
  });

  it('answers bad input in OpenAI error bodies and keeps serving', async () => {
    await expect(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });

    const badKey = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await expect(
      badKey.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toMatchObject({
      status: 401,
      error: { type: 'auth_error', code: 401 },
    });

    const malformed = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT_KEY, 'content-type': 'application/json' },
      body: '{"model": "fast", "messages": [',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'malformed_json' } });

    const noMessages = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: CLIENT_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast' }),
    });
    expect(noMessages.status).toBe(400);
    expect(await noMessages.json()).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });

    upstream.script(() => ({ kind: 'destroy' }));
    await expect(
      client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
    });

    // The dropped connection cooled fast's only target down; clear it to serve again.
    expect((await admin(gateway, 'DELETE', '/cooldowns')).status).toBe(200);
    upstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'gpt-upstream', content: 'still here' }),
    }));
    const data = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] });
    expect(data.choices[0]?.message.content).toBe('still here');
  });
});
