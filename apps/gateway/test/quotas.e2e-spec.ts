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
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'quotas-admin';
const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Output priced at $10 per million tokens, input free: a request with max_tokens 1000 is estimated at exactly $0.01. */
const PRICING = { source: 'simple', input: 0, output: 10 };
const COST_ESTIMATE = 0.01;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface QuotaErrorBody {
  error: {
    message: string;
    type: string;
    quota_name: string;
    current_usage: number;
    limit: number;
    resets_at: string;
    blocking_quotas: Array<{
      quotaName: string;
      limitType: string;
      limit: number;
      currentUsage: number;
      remaining: number;
      resetsAt: string;
    }>;
  };
}

function admin(
  gateway: GatewayProcess,
  method: string,
  path: string,
  body?: unknown,
  key = ADMIN_KEY,
): Promise<Response> {
  return callManagement(gateway.url, key, method, path, body);
}

async function configure(gateway: GatewayProcess, setup: Array<[string, string, unknown]>): Promise<void> {
  for (const [method, path, body] of setup) {
    const response = await admin(gateway, method, path, body);
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
}

async function chat(gateway: GatewayProcess, secret: string, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }], ...body }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function count(answers: Answer[], status: number): number {
  return answers.filter((answer) => answer.status === status).length;
}

/** The next 00:00 UTC after now, as the daily window's end. */
function nextUtcMidnight(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
}

async function quotaStatus(gateway: GatewayProcess, key: string): Promise<Record<string, unknown>> {
  const response = await admin(gateway, 'GET', `/quota/status/${key}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function expectQuota429(answer: Answer, quotaName: string, limit: number, limitType = 'requests'): QuotaErrorBody {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(86_400);
  expect(answer.headers.get('x-plexus-quota')).toBe(quotaName);
  expect(answer.headers.get('x-plexus-quota-limit')).toBe(String(limit));
  expect(answer.headers.get('x-plexus-quota-remaining')).toBe('0');
  expect(answer.headers.get('x-plexus-quota-reset')).toBe(nextUtcMidnight());
  const body = JSON.parse(answer.text) as QuotaErrorBody;
  expect(body).toEqual({
    error: {
      message: `Quota exceeded: ${quotaName} limit of ${limit} reached`,
      type: 'quota_exceeded',
      quota_name: quotaName,
      current_usage: expect.any(Number),
      limit,
      resets_at: nextUtcMidnight(),
      blocking_quotas: [
        {
          quotaName,
          limitType,
          limit,
          currentUsage: expect.any(Number),
          remaining: expect.any(Number),
          resetsAt: nextUtcMidnight(),
        },
      ],
    },
  });
  return body;
}

describe('user quotas through the built gateway (embedded database, in-process ledger)', () => {
  let dataDir: string;
  let fast: ScriptedUpstream;
  let slow: ScriptedUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-quotas-'));
    [fast, slow] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    fast.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'm', content: 'ok', promptTokens: 10, completionTokens: 5 }),
    }));
    slow.script(() => ({
      kind: 'sse',
      delayMs: 40,
      events: chatStreamEvents({
        model: 'm',
        pieces: ['a', 'b', 'c', 'd', 'e'],
        promptTokens: 10,
        completionTokens: 1000,
      }),
    }));
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    await configure(gateway, [
      ['PUT', '/providers/fast', { api_base_url: `${fast.url}/v1`, api_key: 'sk-up' }],
      [
        'PUT',
        '/providers/slow',
        { api_base_url: `${slow.url}/v1`, api_key: 'sk-up', models: { m: { pricing: PRICING } } },
      ],
      [
        'PUT',
        '/aliases/quick',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'fast', model: 'm' }] }] },
      ],
      [
        'PUT',
        '/aliases/streamy',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'slow', model: 'm' }] }] },
      ],
      ['PUT', '/user-quotas/fifty', { type: 'daily', limitType: 'requests', limit: 50 }],
      ['PUT', '/user-quotas/budget', { type: 'daily', limitType: 'cost', limit: 0.045, warnAt: 0.5 }],
      ['PUT', '/keys/client', { secret: 'sk-quota-client', quotas: ['fifty'] }],
      ['PUT', '/keys/spender', { secret: 'sk-quota-spender', quota: 'budget' }],
      ['PUT', '/keys/narrow', { secret: 'sk-quota-narrow', maxConcurrency: 5 }],
      ['PUT', '/keys/free', { secret: 'sk-quota-free' }],
    ]);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([fast?.stop(), slow?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('200 concurrent requests against a 50-request quota: exactly 50 answered, 150 refused with 429, the reference body and Retry-After', async () => {
    fast.requests.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => chat(gateway, 'sk-quota-client', { model: 'quick' })),
    );
    expect(count(answers, 200)).toBe(50);
    expect(count(answers, 429)).toBe(150);
    expect(fast.requests).toHaveLength(50);
    for (const answer of answers.filter((candidate) => candidate.status === 429)) {
      const body = expectQuota429(answer, 'fifty', 50);
      expect(body.error.current_usage).toBe(50);
    }
    const success = answers.find((answer) => answer.status === 200) as Answer;
    expect(success.headers.get('x-plexus-quota')).toBe('fifty');
    expect(success.headers.get('x-plexus-quota-limit')).toBe('50');
    expect(Number(success.headers.get('x-plexus-quota-remaining'))).toBeLessThan(50);
    expect(success.headers.get('x-plexus-quota-reset')).toBe(nextUtcMidnight());
    // Overshoot measured: none (requests reserve exactly one unit each).
    expect(await quotaStatus(gateway, 'client')).toMatchObject({
      key: 'client',
      quota_name: 'fifty',
      allowed: false,
      current_usage: 50,
      limit: 50,
      remaining: 0,
    });
  });

  it('answers the same quota body in every client format', async () => {
    const headers = { authorization: 'Bearer sk-quota-client', 'content-type': 'application/json' };
    const requests: Array<[string, unknown]> = [
      ['/v1/chat/completions', { model: 'quick', messages: [{ role: 'user', content: 'Hi' }] }],
      ['/v1/messages', { model: 'quick', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }],
      ['/v1/responses', { model: 'quick', input: 'Hi' }],
      ['/v1/completions', { model: 'quick', prompt: 'Hi' }],
      ['/v1beta/models/quick:generateContent', { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }],
    ];
    const bodies: unknown[] = [];
    for (const [path, body] of requests) {
      const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const answer = { status: response.status, headers: response.headers, text: await response.text() };
      expectQuota429(answer, 'fifty', 50);
      bodies.push(JSON.parse(answer.text));
    }
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
  });

  it('lets a key see its own quota status, and only its own', async () => {
    const own = await admin(gateway, 'GET', '/self/quota?keyName=spender', undefined, 'sk-quota-client');
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({
      key: 'client',
      quotaName: 'fifty',
      allowed: false,
      currentUsage: 50,
      limit: 50,
      remaining: 0,
      resetsAt: nextUtcMidnight(),
      limitType: 'requests',
      quotas: [
        {
          name: 'fifty',
          type: 'daily',
          duration: null,
          limitType: 'requests',
          limit: 50,
          currentUsage: 50,
          remaining: 0,
          allowed: false,
          resetsAt: nextUtcMidnight(),
          shared: false,
          warnAt: null,
          source: 'assigned',
        },
      ],
      concurrency: null,
    });
    // Admin-only routes stay closed to the key.
    expect((await admin(gateway, 'GET', '/quota/status/client', undefined, 'sk-quota-client')).status).toBe(403);
    expect((await admin(gateway, 'GET', '/user-quotas', undefined, 'sk-quota-client')).status).toBe(403);
    // The admin names the key.
    expect(await (await admin(gateway, 'GET', '/self/quota?keyName=free')).json()).toMatchObject({
      key: 'free',
      quotaName: null,
      allowed: true,
      currentUsage: 0,
      limit: null,
      remaining: null,
      resetsAt: null,
      limitType: null,
      quotas: [],
    });
    expect((await admin(gateway, 'GET', '/self/quota')).status).toBe(400);
    expect((await admin(gateway, 'GET', '/quota/status/nobody')).status).toBe(404);
  });

  it('a cost budget under 40 concurrent streams overshoots by at most one estimate', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        chat(gateway, 'sk-quota-spender', { model: 'streamy', stream: true, max_tokens: 1000 }),
      ),
    );
    // $0.045 budget, $0.01 reserved per stream: admitted while under the limit, 5 fit.
    expect(count(answers, 200)).toBe(5);
    expect(count(answers, 429)).toBe(35);
    const admitted = answers.filter((candidate) => candidate.status === 200);
    for (const answer of admitted) expect(answer.text).toContain('[DONE]');
    // warnAt 0.5: the streams admitted past half the budget carry the warning.
    expect(
      admitted.filter((answer) => answer.headers.get('x-plexus-quota-warning') !== null).length,
    ).toBeGreaterThanOrEqual(3);
    const refused = answers.find((answer) => answer.status === 429) as Answer;
    expectQuota429(refused, 'budget', 0.045, 'cost');
    // Each stream really used 1000 output tokens ($0.01): settled, the total is what was reserved.
    let status: Record<string, unknown> = {};
    for (let tries = 0; tries < 50; tries++) {
      status = await quotaStatus(gateway, 'spender');
      if (status['current_usage'] === 0.05) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const overshoot = (status['current_usage'] as number) - 0.045;
    process.stdout.write(
      `quota e2e (in-process): cost budget 0.045 USD, 40 concurrent streams, charged ${String(status['current_usage'])} USD, overshoot ${overshoot.toFixed(6)} USD (estimate ${COST_ESTIMATE})\n`,
    );
    expect(overshoot).toBeGreaterThanOrEqual(0);
    expect(overshoot).toBeLessThanOrEqual(COST_ESTIMATE + 1e-9);
  });

  it('holds at most maxConcurrency requests of a key in flight', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => chat(gateway, 'sk-quota-narrow', { model: 'streamy', stream: true })),
    );
    expect(count(answers, 200)).toBe(5);
    expect(count(answers, 429)).toBe(15);
    const refused = answers.find((answer) => answer.status === 429) as Answer;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { type: 'rate_limit_error', code: 'concurrency_limit_exceeded' },
    });
    // Slots are freed when the streams end.
    expect((await chat(gateway, 'sk-quota-narrow', { model: 'streamy', stream: true })).status).toBe(200);
    expect(await (await admin(gateway, 'GET', '/self/quota', undefined, 'sk-quota-narrow')).json()).toMatchObject({
      quotas: [],
      concurrency: { limit: 5, inFlight: 0 },
    });
  });

  it('manages user quota definitions', async () => {
    const invalid: Array<[string, unknown, string]> = [
      ['/user-quotas/Bad Name', { type: 'daily', limitType: 'requests', limit: 5 }, 'name'],
      ['/user-quotas/rolling-no-duration', { type: 'rolling', limitType: 'requests', limit: 5 }, 'duration'],
      [
        '/user-quotas/bad-duration',
        { type: 'rolling', duration: '5 parsecs', limitType: 'requests', limit: 5 },
        'duration',
      ],
      ['/user-quotas/zero', { type: 'daily', limitType: 'requests', limit: 0 }, 'limit'],
      ['/user-quotas/half-token', { type: 'daily', limitType: 'tokens', limit: 10.5 }, 'limit'],
      ['/user-quotas/hourly', { type: 'hourly', limitType: 'requests', limit: 5 }, 'type'],
      ['/user-quotas/warn', { type: 'daily', limitType: 'requests', limit: 5, warnAt: 1 }, 'warnAt'],
      [
        '/user-quotas/scoped',
        { type: 'daily', limitType: 'requests', limit: 5, allowedProviders: ['fast'] },
        'allowedProviders',
      ],
    ];
    for (const [path, body, field] of invalid) {
      const response = await admin(gateway, 'PUT', path, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'Validation failed',
        details: expect.arrayContaining([expect.objectContaining({ path: [field], message: expect.any(String) })]),
      });
    }

    const put = await admin(gateway, 'PUT', '/user-quotas/burst', {
      type: 'rolling',
      duration: '2h30m',
      limitType: 'tokens',
      limit: 100000,
    });
    expect(await put.json()).toEqual({
      success: true,
      name: 'burst',
      quota: { type: 'rolling', duration: '2h30m', limitType: 'tokens', limit: 100000 },
    });
    const patched = await admin(gateway, 'PATCH', '/user-quotas/burst', { limit: 5000, warnAt: 0.8 });
    expect(await patched.json()).toEqual({
      success: true,
      name: 'burst',
      quota: { type: 'rolling', duration: '2h30m', limitType: 'tokens', limit: 5000, warnAt: 0.8 },
    });
    expect(await (await admin(gateway, 'GET', '/user-quotas/burst')).json()).toEqual({
      name: 'burst',
      type: 'rolling',
      duration: '2h30m',
      limitType: 'tokens',
      limit: 5000,
      warnAt: 0.8,
    });
    expect(await (await admin(gateway, 'GET', '/user-quotas')).json()).toMatchObject({
      fifty: { type: 'daily', limitType: 'requests', limit: 50 },
      budget: { type: 'daily', limitType: 'cost', limit: 0.045, warnAt: 0.5 },
      burst: { type: 'rolling', limit: 5000 },
    });
    expect((await admin(gateway, 'PATCH', '/user-quotas/missing', { limit: 1 })).status).toBe(404);
    expect((await admin(gateway, 'PATCH', '/user-quotas/burst', { duration: 'soon' })).status).toBe(400);

    // A key can only hold quotas that exist; a referenced quota can't be deleted.
    const unknown = await admin(gateway, 'PUT', '/keys/holder', {
      secret: 'sk-quota-holder',
      quotas: ['burst', 'nope'],
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: 'Validation failed',
      details: [{ path: ['quotas'], message: 'Unknown user quota: nope' }],
    });
    expect((await admin(gateway, 'PUT', '/keys/holder', { secret: 'sk-quota-holder', quotas: ['burst'] })).status).toBe(
      200,
    );
    const conflict = await admin(gateway, 'DELETE', '/user-quotas/burst');
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({
      success: false,
      error: 'quota_in_use',
      message: "User quota 'burst' is still assigned to key 'holder'",
    });
    expect((await admin(gateway, 'DELETE', '/keys/holder')).status).toBe(200);
    expect(await (await admin(gateway, 'DELETE', '/user-quotas/burst')).json()).toEqual({
      success: true,
      name: 'burst',
      message: "User quota 'burst' deleted",
    });
    expect((await admin(gateway, 'GET', '/user-quotas/burst')).status).toBe(404);
    expect((await admin(gateway, 'DELETE', '/user-quotas/burst')).status).toBe(404);
  });

  it('keeps the counts across a restart, and clears them on demand', async () => {
    expect(await gateway.stop()).toBe(0);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    expect(await quotaStatus(gateway, 'client')).toMatchObject({
      quota_name: 'fifty',
      current_usage: 50,
      allowed: false,
    });
    expect(await quotaStatus(gateway, 'spender')).toMatchObject({
      quota_name: 'budget',
      current_usage: 0.05,
      allowed: false,
    });
    expectQuota429(await chat(gateway, 'sk-quota-client', { model: 'quick' }), 'fifty', 50);

    expect((await admin(gateway, 'POST', '/quota/clear', {})).status).toBe(400);
    expect((await admin(gateway, 'POST', '/quota/clear', { key: 'nobody' })).status).toBe(404);
    expect(await (await admin(gateway, 'POST', '/quota/clear', { key: 'client' })).json()).toEqual({
      success: true,
      key: 'client',
      message: "Quota usage of 'client' reset",
    });
    const after = await chat(gateway, 'sk-quota-client', { model: 'quick' });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-plexus-quota-remaining')).toBe('49');
    // Keys without quotas carry no quota headers.
    const free = await chat(gateway, 'sk-quota-free', { model: 'quick' });
    expect(free.status).toBe(200);
    expect(free.headers.get('x-plexus-quota')).toBeNull();
  });
});

describe('user quotas across two gateway replicas sharing PostgreSQL and Redis', () => {
  // Redis outlives test runs: names unique to this run.
  const run = randomBytes(4).toString('hex');
  const quota = `fifty-${run}`;
  const budget = `budget-${run}`;
  const clientKey = `client-${run}`;
  const clientSecret = `sk-quota-client-${run}`;
  const spenderKey = `spender-${run}`;
  const spenderSecret = `sk-quota-spender-${run}`;
  const narrowSecret = `sk-quota-narrow-${run}`;
  let database: TestDatabase;
  let fast: ScriptedUpstream;
  let slow: ScriptedUpstream;
  let first: GatewayProcess;
  let second: GatewayProcess;

  beforeAll(async () => {
    [database, fast, slow] = await Promise.all([
      createTestDatabase(),
      ScriptedUpstream.start(),
      ScriptedUpstream.start(),
    ]);
    fast.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'm', content: 'ok' }) }));
    slow.script(() => ({
      kind: 'sse',
      delayMs: 40,
      events: chatStreamEvents({
        model: 'm',
        pieces: ['a', 'b', 'c', 'd', 'e'],
        promptTokens: 10,
        completionTokens: 1000,
      }),
    }));
    first = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, REDIS_URL });
    // Configured through the first replica, before the second starts: both load the same configuration.
    await configure(first, [
      ['PUT', '/providers/fast', { api_base_url: `${fast.url}/v1`, api_key: 'sk-up' }],
      [
        'PUT',
        '/providers/slow',
        { api_base_url: `${slow.url}/v1`, api_key: 'sk-up', models: { m: { pricing: PRICING } } },
      ],
      [
        'PUT',
        '/aliases/quick',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'fast', model: 'm' }] }] },
      ],
      [
        'PUT',
        '/aliases/streamy',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'slow', model: 'm' }] }] },
      ],
      ['PUT', `/user-quotas/${quota}`, { type: 'daily', limitType: 'requests', limit: 50 }],
      ['PUT', `/user-quotas/${budget}`, { type: 'daily', limitType: 'cost', limit: 0.045 }],
      ['PUT', `/keys/${clientKey}`, { secret: clientSecret, quotas: [quota] }],
      ['PUT', `/keys/${spenderKey}`, { secret: spenderSecret, quotas: [budget] }],
      ['PUT', `/keys/narrow-${run}`, { secret: narrowSecret, maxConcurrency: 4 }],
    ]);
    second = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, REDIS_URL });
  });

  afterAll(async () => {
    if (first) {
      await admin(first, 'POST', '/quota/clear', { key: clientKey });
      await admin(first, 'POST', '/quota/clear', { key: spenderKey });
    }
    await Promise.all([first?.stop(), second?.stop()]);
    await Promise.all([fast?.stop(), slow?.stop()]);
    await database?.drop();
  });

  it('200 concurrent requests split across both replicas against a 50-request quota: exactly 50 answered', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        chat(index % 2 === 0 ? first : second, clientSecret, { model: 'quick' }),
      ),
    );
    expect(count(answers, 200)).toBe(50);
    expect(count(answers, 429)).toBe(150);
    expect(fast.requests).toHaveLength(50);
    for (const answer of answers.filter((candidate) => candidate.status === 429)) expectQuota429(answer, quota, 50);
    expect(await quotaStatus(second, clientKey)).toMatchObject({ current_usage: 50, allowed: false });
    expect(await quotaStatus(first, clientKey)).toMatchObject({ current_usage: 50, allowed: false });
  });

  it('a cost budget under 40 concurrent streams on both replicas overshoots by at most one estimate', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        chat(index % 2 === 0 ? first : second, spenderSecret, { model: 'streamy', stream: true, max_tokens: 1000 }),
      ),
    );
    expect(count(answers, 200)).toBe(5);
    expect(count(answers, 429)).toBe(35);
    let status: Record<string, unknown> = {};
    for (let tries = 0; tries < 50; tries++) {
      status = await quotaStatus(first, spenderKey);
      if (status['current_usage'] === 0.05) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const overshoot = (status['current_usage'] as number) - 0.045;
    process.stdout.write(
      `quota e2e (two replicas, Redis): cost budget 0.045 USD, 40 concurrent streams, charged ${String(status['current_usage'])} USD, overshoot ${overshoot.toFixed(6)} USD (estimate ${COST_ESTIMATE})\n`,
    );
    expect(overshoot).toBeGreaterThanOrEqual(0);
    expect(overshoot).toBeLessThanOrEqual(COST_ESTIMATE + 1e-9);
  });

  it('holds the in-flight limit across both replicas', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        chat(index % 2 === 0 ? first : second, narrowSecret, { model: 'streamy', stream: true }),
      ),
    );
    expect(count(answers, 200)).toBe(4);
    expect(count(answers, 429)).toBe(16);
  });

  it('keeps the counts when the replicas restart', async () => {
    expect(await Promise.all([first.stop(), second.stop()])).toEqual([0, 0]);
    first = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, REDIS_URL });
    second = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, REDIS_URL });
    expect(await quotaStatus(first, clientKey)).toMatchObject({ current_usage: 50, allowed: false });
    expectQuota429(await chat(second, clientSecret, { model: 'quick' }), quota, 50);
    // The database keeps a copy too.
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const rows = await pg.query<{ current_usage: number }>(
        'SELECT current_usage FROM quota_state WHERE bucket_key = $1 AND quota_name = $2',
        [clientKey, quota],
      );
      expect(rows.rows).toEqual([{ current_usage: 50 }]);
    } finally {
      await pg.end();
    }
  });
});
