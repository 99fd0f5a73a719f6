import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  chatStreamEvents,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';

const ADMIN_KEY = 'routing-faults-admin';
const KEY = 'sk-routing-faults';
const NARROW_KEY = 'sk-routing-faults-narrow';

interface Outcome {
  status: number;
  body: string;
  requestId: string;
}

interface UsageRecord {
  requestId: string;
  apiKey: string;
  attribution: string | null;
  responseStatus: string;
  attemptCount: number;
  retryHistory: string | null;
  provider: string | null;
}

/**
 * Stalls, empty completions, provider-specific Retry-After, skipped targets and background
 * exploration, through the built gateway: what the client receives and what is recorded.
 * Target `a` (primary) misbehaves; `b` (backup) answers.
 */
describe('routing faults through the built gateway', () => {
  let database: TestDatabase;
  let primary: ScriptedUpstream;
  let backup: ScriptedUpstream;
  let explored: ScriptedUpstream;
  let gateway: GatewayProcess;

  const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
    callManagement(gateway.url, ADMIN_KEY, method, path, body);

  const chat = async (model: string, stream = false, key = KEY): Promise<Outcome> => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hello' }] }),
    });
    return {
      status: response.status,
      body: await response.text(),
      requestId: response.headers.get('x-request-id') ?? '',
    };
  };

  /** The usage record of one request, as GET /v0/management/usage lists it (written in batches). */
  async function usageRecord(requestId: string): Promise<UsageRecord & { attempts: Array<Record<string, unknown>> }> {
    for (let tries = 0; tries < 100; tries++) {
      const list = (await (await admin('GET', '/usage?limit=100')).json()) as { data: UsageRecord[] };
      const record = list.data.find((row) => row.requestId === requestId);
      if (record)
        return {
          ...record,
          attempts: record.retryHistory ? (JSON.parse(record.retryHistory) as Array<Record<string, unknown>>) : [],
        };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no usage record for ${requestId}`);
  }

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

  const pair = (name: string, primaryProvider: string): Promise<Response> =>
    admin('PUT', `/aliases/${name}`, {
      target_groups: [
        { name: 'primary', selector: 'in_order', targets: [{ provider: primaryProvider, model: 'a-model' }] },
        { name: 'backup', selector: 'in_order', targets: [{ provider: 'b', model: 'b-model' }] },
      ],
    });

  beforeAll(async () => {
    [database, primary, backup, explored] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    await admin('PUT', '/providers/a', { api_base_url: `${primary.url}/v1`, timeoutMs: 2000 });
    await admin('PUT', '/providers/b', { api_base_url: `${backup.url}/v1`, timeoutMs: 2000 });
    // Long timeouts: only the stall settings can end these calls early.
    await admin('PUT', '/providers/slow', { api_base_url: `${primary.url}/v1`, timeoutMs: 60_000, stallTtfbMs: 5000 });
    await admin('PUT', '/providers/slow-cooling', {
      api_base_url: `${primary.url}/v1`,
      timeoutMs: 60_000,
      stallTtfbMs: 5000,
      stall_cooldown: true,
    });
    await admin('PUT', '/providers/trickle', {
      api_base_url: `${primary.url}/v1`,
      timeoutMs: 60_000,
      stallTtfbBytes: 50,
      stallMinBps: 5000,
      stallWindowMs: 3000,
      stallGracePeriodMs: 0,
    });
    await admin('PUT', '/providers/excluded', { api_base_url: `${backup.url}/v1` });
    await admin('PUT', '/providers/explored', { api_base_url: `${explored.url}/v1` });
    await pair('pair', 'a');
    await pair('slow-pair', 'slow');
    await pair('slow-cooling-pair', 'slow-cooling');
    await admin('PUT', '/aliases/solo', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'a', model: 'a-model' }] }],
    });
    await admin('PUT', '/aliases/trickle', {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'trickle', model: 'a-model' }] }],
    });
    await admin('PUT', '/aliases/skips', {
      target_groups: [
        {
          name: 'g',
          selector: 'in_order',
          targets: [
            { provider: 'a', model: 'a-model', enabled: false },
            { provider: 'excluded', model: 'e-model' },
            { provider: 'b', model: 'b-model' },
          ],
        },
      ],
    });
    await admin('PUT', '/keys/k', { secret: KEY });
    await admin('PUT', '/keys/narrow', { secret: NARROW_KEY, excludedProviders: ['excluded'] });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([primary?.stop(), backup?.stop(), explored?.stop()]);
    await database?.drop();
  });

  beforeEach(async () => {
    primary.requests.length = 0;
    backup.requests.length = 0;
    backup.script(ok('from backup'));
    expect((await admin('DELETE', '/cooldowns')).status).toBe(200);
  });

  it.each([
    [{ stallTtfbMs: 1000 }, 'stallTtfbMs'],
    [{ stallMinBps: 10 }, 'stallMinBps'],
    [{ stallWindowMs: 'long' }, 'stallWindowMs'],
    [{ stall_cooldown: 'yes' }, 'stall_cooldown'],
  ])('a provider with stall override %j is refused with 400 naming the field', async (override, field) => {
    const response = await admin('PUT', '/providers/bad-stall', { api_base_url: `${primary.url}/v1`, ...override });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      details: expect.arrayContaining([expect.objectContaining({ path: [field] })]),
    });
  });

  it('a TTFB stall (headers, then nothing within stallTtfbMs): fails over before any byte; no cooldown without stall_cooldown', async () => {
    primary.script(() => ({ kind: 'hang' }));
    backup.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'b-model', pieces: ['rescued'] }) }));
    const started = Date.now();
    const outcome = await chat('slow-pair', true);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(4900);
    expect(elapsed).toBeLessThan(30_000);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('rescued');
    expect(outcome.body).not.toContain('"error"');
    const record = await usageRecord(outcome.requestId);
    expect(record).toMatchObject({ responseStatus: 'success', provider: 'b', attemptCount: 2 });
    expect(record.attempts).toEqual([
      expect.objectContaining({ provider: 'slow', status: 'failed', reason: expect.stringContaining('stalled') }),
      expect.objectContaining({ provider: 'b', status: 'success' }),
    ]);
    expect(await cooldowns()).toEqual([]);
  });

  it('a TTFB stall on a provider with stall_cooldown: fails over and cools the provider down', async () => {
    primary.script(() => ({ kind: 'hang' }));
    backup.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'b-model', pieces: ['rescued'] }) }));
    const outcome = await chat('slow-cooling-pair', true);
    expect(outcome.body).toContain('rescued');
    expect((await cooldowns()).map((entry) => entry.provider)).toEqual(['slow-cooling']);
  });

  it('a throughput stall mid-stream: the partial answer, then an error event; recorded as a timeout', async () => {
    const events = chatStreamEvents({ model: 'a-model', pieces: Array.from({ length: 12 }, (_, i) => `slowly-${i} `) });
    primary.script(() => ({ kind: 'sse', events, delayMs: 1000 }));
    const started = Date.now();
    const outcome = await chat('trickle', true);
    expect(Date.now() - started).toBeLessThan(11_000);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('slowly-0');
    expect(outcome.body).toMatch(/^data: \{"error":\{"message":"trickle\/a-model stalled: [^"]*bytes\/s/m);
    expect(outcome.body).not.toContain('"finish_reason":"stop"');
    const record = await usageRecord(outcome.requestId);
    expect(record).toMatchObject({ responseStatus: 'timeout', attemptCount: 1 });
    expect(record.attempts).toEqual([
      expect.objectContaining({ provider: 'trickle', status: 'failed', reason: expect.stringContaining('stalled') }),
    ]);
  });

  it('an empty completion: fails over to the next target, without a cooldown', async () => {
    primary.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'a-model', content: '' }) }));
    const outcome = await chat('pair');
    expect(outcome.status).toBe(200);
    expect(outcome.body).toContain('from backup');
    const record = await usageRecord(outcome.requestId);
    expect(record).toMatchObject({ responseStatus: 'success', provider: 'b', attemptCount: 2 });
    expect(record.attempts[0]).toMatchObject({
      provider: 'a',
      status: 'failed',
      reason: expect.stringContaining('empty completion'),
    });
    expect(await cooldowns()).toEqual([]);
  });

  it('an empty streamed completion: fails over before any byte reached the client', async () => {
    primary.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'a-model', pieces: [] }) }));
    backup.script(() => ({ kind: 'sse', events: chatStreamEvents({ model: 'b-model', pieces: ['full'] }) }));
    const outcome = await chat('pair', true);
    expect(outcome.body).toContain('full');
    expect(outcome.body).not.toContain('a-model');
    expect((await usageRecord(outcome.requestId)).attempts[0]).toMatchObject({
      provider: 'a',
      reason: expect.stringContaining('empty completion'),
    });
  });

  it('an empty completion from the last target: answered as it is', async () => {
    primary.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'a-model', content: '' }) }));
    const outcome = await chat('solo');
    expect(outcome.status).toBe(200);
    expect(JSON.parse(outcome.body)).toMatchObject({ choices: [{ message: { content: '' } }] });
    expect(await usageRecord(outcome.requestId)).toMatchObject({ responseStatus: 'success', attemptCount: 1 });
  });

  it("OpenRouter's retry_after_seconds in a 429 body sets the cooldown's length", async () => {
    primary.script(() => ({
      kind: 'json',
      status: 429,
      body: { error: { code: 429, message: 'Rate limit exceeded', metadata: { retry_after_seconds: 45 } } },
    }));
    expect((await chat('pair')).body).toContain('from backup');
    const [cooling] = await cooldowns();
    expect(cooling).toMatchObject({ provider: 'a' });
    expect(cooling?.timeRemainingMs).toBeGreaterThan(40_000);
    expect(cooling?.timeRemainingMs).toBeLessThanOrEqual(45_000);
  });

  it("a 429's x-ratelimit-reset-requests (used-up limit) sets the cooldown's length", async () => {
    primary.script(() => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'Rate limit reached for requests' } },
      headers: {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1m30s',
        'x-ratelimit-reset-tokens': '6m0s',
      },
    }));
    expect((await chat('pair')).body).toContain('from backup');
    const [cooling] = await cooldowns();
    expect(cooling?.timeRemainingMs).toBeGreaterThan(85_000);
    expect(cooling?.timeRemainingMs).toBeLessThanOrEqual(90_000);
  });

  it('targets in cooldown are in the attempt history as skipped, billed to nobody', async () => {
    primary.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'boom' } } }));
    await chat('pair');
    const outcome = await chat('pair');
    expect(outcome.body).toContain('from backup');
    expect(primary.requests).toHaveLength(1);
    const record = await usageRecord(outcome.requestId);
    expect(record).toMatchObject({ responseStatus: 'success', provider: 'b', attemptCount: 1 });
    expect(record.attempts).toEqual([
      { index: 0, provider: 'a', model: 'a-model', apiType: 'chat', status: 'skipped', reason: 'cooldown' },
      expect.objectContaining({ provider: 'b', status: 'success' }),
    ]);
  });

  it('every target cooling down: 503 with Retry-After, and the refusal is recorded with the skipped targets', async () => {
    primary.script(() => ({ kind: 'json', status: 503, body: { error: { message: 'down' } } }));
    expect((await chat('solo')).status).toBe(503);
    const outcome = await chat('solo');
    expect(outcome.status).toBe(503);
    expect(JSON.parse(outcome.body)).toMatchObject({ error: { code: 'no_healthy_target' } });
    const record = await usageRecord(outcome.requestId);
    expect(record).toMatchObject({ responseStatus: 'error', attemptCount: 0, provider: null });
    expect(record.attempts).toEqual([
      { index: 0, provider: 'a', model: 'a-model', apiType: 'chat', status: 'skipped', reason: 'cooldown' },
    ]);
  });

  it('disabled targets and providers the key excludes are in the attempt history as skipped', async () => {
    const outcome = await chat('skips', false, NARROW_KEY);
    expect(outcome.body).toContain('from backup');
    const record = await usageRecord(outcome.requestId);
    expect(record.attemptCount).toBe(1);
    expect(record.attempts).toEqual([
      expect.objectContaining({ provider: 'a', status: 'skipped', reason: 'disabled' }),
      expect.objectContaining({ provider: 'excluded', status: 'skipped', reason: 'excluded_by_key' }),
      expect.objectContaining({ provider: 'b', status: 'success' }),
    ]);
  });

  it('background exploration probes a stale target off the request path, and its stats appear in /performance', async () => {
    explored.script(() => ({
      kind: 'sse',
      events: chatStreamEvents({ model: 'x-model', pieces: ['1 ', '2 ', '3'], completionTokens: 3 }),
    }));
    await admin('PUT', '/aliases/measured', {
      target_groups: [{ name: 'g', selector: 'latency', targets: [{ provider: 'explored', model: 'x-model' }] }],
    });
    expect(
      (
        await admin('PATCH', '/config/background-exploration', {
          enabled: true,
          stalenessThresholdSeconds: 1,
          workerConcurrency: 1,
        })
      ).status,
    ).toBe(200);
    try {
      let rows: Array<{ provider: string; model: string; sample_count: number; avg_ttft_ms: number | null }> = [];
      for (let tries = 0; tries < 100 && rows.length === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        rows = (await (await admin('GET', '/performance?provider=explored')).json()) as typeof rows;
      }
      expect(rows).toEqual([
        expect.objectContaining({ provider: 'explored', model: 'x-model', sample_count: expect.any(Number) }),
      ]);
      expect(rows[0]?.avg_ttft_ms).not.toBeNull();
      expect(explored.requests[0]?.body).toMatchObject({ model: 'x-model', stream: true });
      // Usage rows are written in batches: the probe's may land a moment after its stats.
      let probes: UsageRecord[] = [];
      for (let tries = 0; tries < 50 && probes.length === 0; tries++) {
        probes = ((await (await admin('GET', '/usage?apiKey=probe&limit=5')).json()) as { data: UsageRecord[] }).data;
        if (probes.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(probes[0]).toMatchObject({
        apiKey: 'probe',
        attribution: 'background',
        provider: 'explored',
        responseStatus: 'success',
      });
    } finally {
      await admin('PATCH', '/config/background-exploration', { enabled: false });
    }
  });
});
