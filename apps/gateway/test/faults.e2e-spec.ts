import {
  callManagement,
  ScriptedUpstream,
  anthropicStreamEvents,
  chatCompletionBody,
  chatStreamEvents,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
  waitForUsageRow,
} from '@plexus/testing';

const ADMIN_KEY = 'faults-admin';
const KEY = 'sk-faults-client';

interface Outcome {
  status: number;
  body: string;
  requestId: string;
}

/**
 * Fault injection: every way a provider can fail, one case each, asserting what the
 * client receives and what is recorded. Target `a` (primary) fails; `b` (backup) answers.
 */
describe('fault injection through the built gateway', () => {
  let database: TestDatabase;
  let primary: ScriptedUpstream;
  let backup: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);

  const chat = async (model: string, stream = false): Promise<Outcome> => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hello' }] }),
    });
    return {
      status: response.status,
      body: await response.text(),
      requestId: response.headers.get('x-request-id') ?? '',
    };
  };

  const usageRow = (requestId: string): Promise<Record<string, unknown>> => waitForUsageRow(database.url, requestId);

  const cooldowns = async (): Promise<Array<{ provider: string; model: string; timeRemainingMs: number }>> =>
    (await (await admin('GET', '/cooldowns')).json()) as Array<{
      provider: string;
      model: string;
      timeRemainingMs: number;
    }>;

  const ok =
    (content: string): Parameters<ScriptedUpstream['script']>[0] =>
    () => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'b-model', content, promptTokens: 11, completionTokens: 7 }),
    });

  beforeAll(async () => {
    [database, primary, backup] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    await admin('PUT', '/providers/a', { api_base_url: `${primary.url}/v1`, timeoutMs: 1000 });
    await admin('PUT', '/providers/b', { api_base_url: `${backup.url}/v1`, timeoutMs: 1000 });
    await admin('PUT', '/providers/claude', { api_base_url: { messages: primary.url }, timeoutMs: 1000 });
    await admin('PUT', '/aliases/pair', {
      target_groups: [
        { name: 'primary', selector: 'in_order', targets: [{ provider: 'a', model: 'a-model' }] },
        { name: 'backup', selector: 'in_order', targets: [{ provider: 'b', model: 'b-model' }] },
      ],
    });
    await admin('PUT', '/aliases/solo', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'a', model: 'a-model' }] }],
    });
    await admin('PUT', '/aliases/claude', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'claude', model: 'c' }] }],
    });
    await admin('PUT', '/keys/k', { secret: KEY });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([primary?.stop(), backup?.stop()]);
    await database?.drop();
  });

  beforeEach(async () => {
    primary.requests.length = 0;
    backup.requests.length = 0;
    backup.script(ok('from backup'));
    expect((await admin('DELETE', '/cooldowns')).status).toBe(200);
  });

  it('429 with Retry-After: fails over, and the primary cools down for that long', async () => {
    primary.script(() => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'retry-after': '30' },
    }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('from backup');
    const [cooling] = await cooldowns();
    expect(cooling).toMatchObject({ provider: 'a', model: 'a-model' });
    expect(cooling?.timeRemainingMs).toBeGreaterThan(25_000);
    expect(cooling?.timeRemainingMs).toBeLessThanOrEqual(30_000);
  });

  it('persistent 429 without Retry-After: the client gets the 429, both targets cool down on the default schedule', async () => {
    primary.script(() => ({ kind: 'json', status: 429, body: { error: { message: 'quota' } } }));
    backup.script(() => ({ kind: 'json', status: 429, body: { error: { message: 'quota too' } } }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(429);
    expect(JSON.parse(outcome.body)).toMatchObject({ error: { type: 'rate_limit_error', code: 'upstream_error' } });
    const cooling = await cooldowns();
    expect(cooling.map((entry) => entry.provider).sort()).toEqual(['a', 'b']);
    expect(cooling.every((entry) => entry.timeRemainingMs > 100_000 && entry.timeRemainingMs <= 120_000)).toBe(true);
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).toMatch(/^plexus_cooldowns_active 2$/m);
    expect(await usageRow(outcome.requestId)).toMatchObject({
      response_status: 'error',
      http_status: 429,
      attempt_count: 2,
    });
    const errors = (await (await admin('GET', '/errors?limit=5')).json()) as {
      data: Array<Record<string, unknown>>;
      total: number;
    };
    expect(errors.data[0]).toMatchObject({
      requestId: outcome.requestId,
      responseStatus: 'error',
      httpStatus: 429,
      attempts: [
        expect.objectContaining({ provider: 'a', statusCode: 429 }),
        expect.objectContaining({ provider: 'b', statusCode: 429 }),
      ],
    });
  });

  it("a single 500: fails over, and the answer and its accounting are the backup's", async () => {
    primary.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'boom' } } }));
    const outcome = await chat('pair');
    expect(JSON.parse(outcome.body)).toMatchObject({
      model: 'b-model',
      choices: [{ message: { content: 'from backup' } }],
    });
    const row = await usageRow(outcome.requestId);
    expect(row).toMatchObject({
      provider: 'b',
      selected_model_name: 'b-model',
      tokens_input: 11,
      tokens_output: 7,
      attempt_count: 2,
    });
    expect(row['retry_history']).toEqual([
      expect.objectContaining({ provider: 'a', status: 'failed', statusCode: 500 }),
      expect.objectContaining({ provider: 'b', status: 'success' }),
    ]);
  });

  it('persistent 503: the client gets a 503 naming the upstream failure', async () => {
    primary.script(() => ({ kind: 'json', status: 503, body: { error: { message: 'overloaded' } } }));
    const outcome = await chat('solo');
    expect(outcome.status).toBe(503);
    expect(JSON.parse(outcome.body)).toMatchObject({ error: { message: expect.stringContaining('overloaded') } });
  });

  it('a TCP reset before the headers: fails over', async () => {
    primary.script(() => ({ kind: 'destroy' }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('from backup');
  });

  it('a silent upstream (no headers within the timeout): fails over', async () => {
    primary.script(() => ({ kind: 'silent' }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('from backup');
    const row = await usageRow(outcome.requestId);
    expect(row['retry_history']).toEqual([
      expect.objectContaining({ provider: 'a', reason: expect.stringContaining('timed out') }),
      expect.anything(),
    ]);
  });

  it('a slow first token (headers, then nothing): fails over before any byte reached the client', async () => {
    primary.script(() => ({ kind: 'hang' }));
    backup.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'b-model', pieces: ['fast ', 'answer'] }) }));
    const outcome = await chat('pair', true);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('fast ');
    expect(outcome.body).not.toContain('"error"');
  });

  it('a stream cut mid-answer: the client gets the partial answer, then an error event, never a clean finish', async () => {
    primary.script(() => ({
      kind: 'cut',
      events: chatStreamEvents({ model: 'a-model', pieces: ['partial', ' answer'] }).slice(0, 2),
    }));
    const outcome = await chat('solo', true);
    expect(outcome.body).toContain('partial');
    expect(outcome.body).toMatch(/^data: \{"error":/m);
    expect(outcome.body).not.toContain('"finish_reason":"stop"');
    expect(await usageRow(outcome.requestId)).toMatchObject({ response_status: 'error' });
  });

  it('a stream stalled mid-answer: an error event once the idle timeout passes', async () => {
    primary.script(() => ({
      kind: 'hang',
      events: chatStreamEvents({ model: 'a-model', pieces: ['stalled'] }).slice(0, 2),
    }));
    const started = Date.now();
    const outcome = await chat('solo', true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(outcome.body).toMatch(/^data: \{"error":\{"message":"a\/a-model timed out"/m);
    expect(await usageRow(outcome.requestId)).toMatchObject({ response_status: 'timeout' });
  });

  it('a malformed SSE chunk before any byte: fails over', async () => {
    primary.script(() => ({ kind: 'raw-sse', body: 'data: {"id": "x", "choices": [\n\n' }));
    backup.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'b-model', pieces: ['clean'] }) }));
    const outcome = await chat('pair', true);
    expect(outcome.body).toContain('clean');
    expect(outcome.body).not.toContain('"error"');
  });

  it('a missing [DONE] after the finish is a complete answer; a stream that just stops is not', async () => {
    primary.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({ model: 'a-model', pieces: ['whole'] }).slice(0, -1),
    }));
    const complete = await chat('solo', true);
    expect(complete.body).toContain('"finish_reason":"stop"');
    expect(complete.body).not.toContain('"error"');

    primary.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({ model: 'a-model', pieces: ['half'] }).slice(0, 2),
    }));
    const truncated = await chat('solo', true);
    expect(truncated.body).toContain('half');
    expect(truncated.body).toMatch(
      /^data: \{"error":\{"message":"a\/a-model ended its stream before finishing the answer"/m,
    );
  });

  it('a missing message_stop after the stop reason is complete; without message_delta it is not', async () => {
    primary.script(() => ({
      kind: 'sse',
      events: anthropicStreamEvents({ model: 'c', pieces: ['done'] }).slice(0, -1),
    }));
    const complete = await chat('claude', true);
    expect(complete.body).toContain('"finish_reason":"stop"');
    expect(complete.body).not.toContain('"error"');

    primary.script(() => ({
      kind: 'sse',
      events: anthropicStreamEvents({ model: 'c', pieces: ['cut'] }).slice(0, -2),
    }));
    const truncated = await chat('claude', true);
    expect(truncated.body).toMatch(/^data: \{"error":/m);
  });

  it('context length exceeded: moves on to the next target', async () => {
    primary.script(() => ({
      kind: 'json',
      status: 400,
      body: {
        error: { message: "This model's maximum context length is 8192 tokens", code: 'context_length_exceeded' },
      },
    }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('from backup');
  });

  it('a content-filter 400: answered as it is, no failover, no cooldown', async () => {
    primary.script(() => ({
      kind: 'json',
      status: 400,
      body: { error: { message: 'Your request was rejected by the content filter', code: 'content_filter' } },
    }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(400);
    expect(backup.requests).toHaveLength(0);
    expect(await cooldowns()).toEqual([]);
  });

  it('a flapping primary: cooldown opens, traffic moves, and returns when it ends', async () => {
    expect((await admin('PATCH', '/config/cooldown', { initialMinutes: 0.1, maxMinutes: 0.1 })).status).toBe(200);
    try {
      primary.script(() => ({ kind: 'json', status: 502, body: { error: { message: 'flap' } } }));
      expect((await chat('pair')).body).toContain('from backup');
      primary.script(ok('primary is back'));
      expect((await chat('pair')).body).toContain('from backup');
      expect(primary.requests).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect((await chat('pair')).body).toContain('primary is back');
    } finally {
      await admin('PATCH', '/config/cooldown', { initialMinutes: 2, maxMinutes: 300 });
    }
  });
});
