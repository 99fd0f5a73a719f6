import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'cooldown-admin';
const CLIENT_KEY = 'sk-cooldown-client';

const DEFAULT_FAILOVER = {
  enabled: true,
  retryableStatusCodes: [402, 408, 409, 425, 429, 500, 502, 503, 504, 529],
  retryableErrors: ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET'],
  maxAttempts: 10,
};

interface Cooldown {
  provider: string;
  model: string;
  expiry: number;
  timeRemainingMs: number;
  consecutiveFailures: number;
  lastError: string | null;
}

describe('cooldowns, failover and routing settings through the built gateway (embedded database)', () => {
  let dataDir: string;
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gateway: GatewayProcess;

  function admin(method: string, path: string, body?: unknown): Promise<Response> {
    return callManagement(gateway.url, ADMIN_KEY, method, path, body);
  }

  async function cooldowns(): Promise<Cooldown[]> {
    const response = await admin('GET', '/cooldowns');
    expect(response.status).toBe(200);
    return (await response.json()) as Cooldown[];
  }

  function chat(model: string): Promise<Response> {
    return fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    });
  }

  async function answer(response: Response): Promise<string | undefined> {
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    return body.choices[0]?.message.content;
  }

  const ok = (name: string) => (): ReturnType<Parameters<ScriptedUpstream['script']>[0]> => ({
    kind: 'json',
    body: chatCompletionBody({ model: name, content: `from ${name}` }),
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-cooldowns-'));
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    const setup: Array<[string, unknown]> = [
      ['/providers/prov-a', { api_base_url: `${a.url}/v1`, api_key: 'sk-a' }],
      ['/providers/prov-b', { api_base_url: `${b.url}/v1`, api_key: 'sk-b' }],
      [
        '/aliases/duo',
        {
          target_groups: [
            {
              name: 'g',
              selector: 'in_order',
              targets: [
                { provider: 'prov-a', model: 'm-a' },
                { provider: 'prov-b', model: 'm-b' },
              ],
            },
          ],
        },
      ],
      [
        '/aliases/solo',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'prov-a', model: 'm-solo' }] }] },
      ],
      ['/keys/client', { secret: CLIENT_KEY }],
    ];
    for (const [path, body] of setup) expect((await admin('PUT', path, body)).status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    a.requests.length = 0;
    b.requests.length = 0;
    a.script(ok('a'));
    b.script(ok('b'));
    expect((await admin('DELETE', '/cooldowns')).status).toBe(200);
  });

  it('a 429 with Retry-After fails over to the next target and cools the first down for that long', async () => {
    a.script(() => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'retry-after': '30' },
    }));
    expect(await answer(await chat('duo'))).toBe('from b');
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);

    const listed = await cooldowns();
    expect(listed).toEqual([
      {
        provider: 'prov-a',
        model: 'm-a',
        expiry: expect.any(Number),
        timeRemainingMs: expect.any(Number),
        consecutiveFailures: 1,
        lastError: expect.stringContaining('slow down'),
      },
    ]);
    // Retry-After, marked once: ~30 s, not the 2-minute backoff.
    expect(listed[0].timeRemainingMs).toBeGreaterThan(25_000);
    expect(listed[0].timeRemainingMs).toBeLessThanOrEqual(30_000);

    // The next request goes straight to B: A receives nothing.
    a.script(ok('a'));
    expect(await answer(await chat('duo'))).toBe('from b');
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(2);

    // Clearing the pair puts A back in front.
    const cleared = await admin('DELETE', '/cooldowns/prov-a?model=m-a');
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual({ success: true });
    expect(await cooldowns()).toEqual([]);
    expect(await answer(await chat('duo'))).toBe('from a');
    expect(a.requests).toHaveLength(2);
  });

  it('a 413 neither fails over nor cools the target down', async () => {
    a.script(() => ({ kind: 'json', status: 413, body: { error: { message: 'request too large' } } }));
    const response = await chat('duo');
    expect(response.status).toBe(413);
    expect(b.requests).toHaveLength(0);
    expect(await cooldowns()).toEqual([]);
  });

  it('answers 503 no_healthy_target with Retry-After when every target is cooling down', async () => {
    a.script(() => ({
      kind: 'json',
      status: 503,
      body: { error: { message: 'overloaded' } },
      headers: { 'retry-after': '20' },
    }));
    expect((await chat('solo')).status).toBe(503);
    expect(a.requests).toHaveLength(1);

    const refused = await chat('solo');
    expect(refused.status).toBe(503);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(15);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(await refused.json()).toMatchObject({
      error: { code: 'no_healthy_target', message: expect.stringContaining('cooling down') },
    });
    expect(a.requests).toHaveLength(1);

    // DELETE /cooldowns/{provider} without a model clears the whole provider.
    expect((await admin('DELETE', '/cooldowns/prov-a')).status).toBe(200);
    a.script(ok('a'));
    expect(await answer(await chat('solo'))).toBe('from a');
  });

  it('a transport failure fails over and cools down; a provider with disable_cooldown never cools down', async () => {
    a.script(() => ({ kind: 'destroy' }));
    expect(await answer(await chat('duo'))).toBe('from b');
    expect((await cooldowns()).map((entry) => `${entry.provider}/${entry.model}`)).toEqual(['prov-a/m-a']);

    expect((await admin('PATCH', '/providers/prov-b', { disable_cooldown: true })).status).toBe(200);
    try {
      b.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'broken' } } }));
      expect((await chat('duo')).status).toBe(500);
      expect((await chat('duo')).status).toBe(500);
      expect(b.requests).toHaveLength(3);
      expect((await cooldowns()).map((entry) => entry.provider)).toEqual(['prov-a']);
    } finally {
      expect((await admin('PATCH', '/providers/prov-b', { disable_cooldown: false })).status).toBe(200);
    }
  });

  it('answers 401 without the admin key', async () => {
    expect((await fetch(`${gateway.url}/v0/management/cooldowns`)).status).toBe(401);
    expect(
      (await fetch(`${gateway.url}/v0/management/config/cooldown`, { headers: { 'x-admin-key': 'wrong' } })).status,
    ).toBe(401);
  });

  describe('settings', () => {
    it.each([
      [
        'cooldown',
        { initialMinutes: 2, maxMinutes: 300 },
        { initialMinutes: 0.5 },
        { initialMinutes: 0.5, maxMinutes: 300 },
      ],
      [
        'failover',
        DEFAULT_FAILOVER,
        { retryableStatusCodes: [503, 429, 500, 429], retryableErrors: ['rate.limit'] },
        { enabled: true, retryableStatusCodes: [429, 500, 503], retryableErrors: ['rate.limit'], maxAttempts: 10 },
      ],
      ['timeout', { defaultSeconds: 300 }, { defaultSeconds: 120 }, { defaultSeconds: 120 }],
      [
        'stall',
        {
          ttfbSeconds: null,
          ttfbBytes: 100,
          minBytesPerSecond: null,
          windowSeconds: 10,
          gracePeriodSeconds: 30,
          stallCooldown: false,
        },
        { ttfbSeconds: 15, minBytesPerSecond: 500, stallCooldown: true },
        {
          ttfbSeconds: 15,
          ttfbBytes: 100,
          minBytesPerSecond: 500,
          windowSeconds: 10,
          gracePeriodSeconds: 30,
          stallCooldown: true,
        },
      ],
      [
        'exploration-rate',
        { performanceExplorationRate: 0.05, latencyExplorationRate: 0.05, e2ePerformanceExplorationRate: 0.05 },
        { performanceExplorationRate: 0.02, latencyExplorationRate: 0.1 },
        { performanceExplorationRate: 0.02, latencyExplorationRate: 0.1, e2ePerformanceExplorationRate: 0.02 },
      ],
      [
        'background-exploration',
        { enabled: false, stalenessThresholdSeconds: 600, workerConcurrency: 2 },
        { enabled: true, workerConcurrency: 8 },
        { enabled: true, stalenessThresholdSeconds: 600, workerConcurrency: 8 },
      ],
    ])(
      'GET /config/%s answers the defaults, PATCH changes only the given fields, GET answers the same',
      async (name, defaults, patch, patched) => {
        const before = await admin('GET', `/config/${name}`);
        expect(before.status).toBe(200);
        expect(await before.json()).toEqual(defaults);
        const response = await admin('PATCH', `/config/${name}`, patch);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(patched);
        expect(await (await admin('GET', `/config/${name}`)).json()).toEqual(patched);
      },
    );

    it.each([
      ['cooldown', { initialMinutes: 0.05 }, 'initialMinutes'],
      ['cooldown', { maxMinutes: 0.2 }, 'maxMinutes'],
      ['cooldown', { initialMinutes: 'two' }, 'initialMinutes'],
      ['failover', { enabled: 'yes' }, 'enabled'],
      ['failover', { retryableStatusCodes: [429, 700] }, 'retryableStatusCodes'],
      ['failover', { retryableErrors: [1] }, 'retryableErrors'],
      ['timeout', { defaultSeconds: 0 }, 'defaultSeconds'],
      ['timeout', { defaultSeconds: 1.5 }, 'defaultSeconds'],
      ['stall', { ttfbSeconds: 4 }, 'ttfbSeconds'],
      ['stall', { ttfbBytes: null }, 'ttfbBytes'],
      ['stall', { stallCooldown: 'yes' }, 'stallCooldown'],
      ['exploration-rate', { latencyExplorationRate: 1.5 }, 'latencyExplorationRate'],
      ['background-exploration', { workerConcurrency: 17 }, 'workerConcurrency'],
    ])('PATCH /config/%s rejects %j with 400 naming the field', async (name, body, field) => {
      const before = await (await admin('GET', `/config/${name}`)).json();
      const response = await admin('PATCH', `/config/${name}`, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'Validation failed',
        details: expect.arrayContaining([expect.objectContaining({ path: [field], message: expect.any(String) })]),
      });
      expect(await (await admin('GET', `/config/${name}`)).json()).toEqual(before);
    });

    it('rejects a body that is not an object', async () => {
      const response = await admin('PATCH', '/config/timeout', [1]);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'Validation failed' });
    });

    it('puts the failover policy in force at once', async () => {
      expect((await admin('PATCH', '/config/failover', { enabled: false })).status).toBe(200);
      try {
        a.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'broken' } } }));
        expect((await chat('duo')).status).toBe(500);
        expect(b.requests).toHaveLength(0);
      } finally {
        expect((await admin('PATCH', '/config/failover', { enabled: true })).status).toBe(200);
      }
      await admin('DELETE', '/cooldowns');
      expect((await admin('PATCH', '/config/failover', { retryableStatusCodes: [418] })).status).toBe(200);
      try {
        a.script(() => ({ kind: 'json', status: 418, body: { error: { message: 'teapot' } } }));
        expect(await answer(await chat('duo'))).toBe('from b');
      } finally {
        expect((await admin('PATCH', '/config/failover', DEFAULT_FAILOVER)).status).toBe(200);
      }
    });

    it('puts the cooldown schedule in force at once', async () => {
      expect((await admin('PATCH', '/config/cooldown', { initialMinutes: 0.1, maxMinutes: 1 })).status).toBe(200);
      a.script(() => ({ kind: 'json', status: 500, body: { error: { message: 'broken' } } }));
      expect(await answer(await chat('duo'))).toBe('from b');
      const [entry] = await cooldowns();
      expect(entry?.timeRemainingMs).toBeGreaterThan(3000);
      expect(entry?.timeRemainingMs).toBeLessThanOrEqual(6000);
    });
  });

  it('keeps cooldowns and settings across a restart', async () => {
    a.script(() => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'quota' } },
      headers: { 'retry-after': '600' },
    }));
    expect(await answer(await chat('duo'))).toBe('from b');
    const [before] = await cooldowns();
    expect(before).toMatchObject({ provider: 'prov-a', model: 'm-a', consecutiveFailures: 1 });
    expect((await admin('PATCH', '/config/timeout', { defaultSeconds: 77 })).status).toBe(200);

    expect(await gateway.stop()).toBe(0);
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });

    const [after] = await cooldowns();
    expect(after).toMatchObject({
      provider: 'prov-a',
      model: 'm-a',
      expiry: before.expiry,
      consecutiveFailures: 1,
      lastError: before.lastError,
    });
    expect(await (await admin('GET', '/config/timeout')).json()).toEqual({ defaultSeconds: 77 });

    a.requests.length = 0;
    a.script(ok('a'));
    expect(await answer(await chat('duo'))).toBe('from b');
    expect(a.requests).toHaveLength(0);
  });
});

describe('two gateway replicas sharing PostgreSQL and Redis', () => {
  const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  let database: TestDatabase;
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let first: GatewayProcess;
  let second: GatewayProcess;

  function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<Response> {
    return callManagement(gateway.url, ADMIN_KEY, method, path, body);
  }

  function chat(gateway: GatewayProcess): Promise<Response> {
    return fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared-duo', messages: [{ role: 'user', content: 'Hi' }] }),
    });
  }

  beforeAll(async () => {
    [a, b, database] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), createTestDatabase()]);
    first = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, REDIS_URL });
    // Configure through the first replica, then start the second: both load the same configuration.
    const setup: Array<[string, unknown]> = [
      ['/providers/shared-a', { api_base_url: `${a.url}/v1`, api_key: 'sk-a' }],
      ['/providers/shared-b', { api_base_url: `${b.url}/v1`, api_key: 'sk-b' }],
      [
        '/aliases/shared-duo',
        {
          target_groups: [
            {
              name: 'g',
              selector: 'in_order',
              targets: [
                { provider: 'shared-a', model: 'm' },
                { provider: 'shared-b', model: 'm' },
              ],
            },
          ],
        },
      ],
      ['/keys/client', { secret: CLIENT_KEY }],
    ];
    for (const [path, body] of setup) expect((await admin(first, 'PUT', path, body)).status).toBe(200);
    second = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url, REDIS_URL });
    expect((await admin(first, 'DELETE', '/cooldowns')).status).toBe(200);
  });

  afterAll(async () => {
    if (first) await admin(first, 'DELETE', '/cooldowns');
    await Promise.all([first?.stop(), second?.stop()]);
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('a cooldown marked by one replica is honoured by the other, and cleared on both', async () => {
    a.script(() => ({
      kind: 'json',
      status: 429,
      body: { error: { message: 'slow down' } },
      headers: { 'retry-after': '60' },
    }));
    b.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'm', content: 'from b' }) }));
    expect((await chat(first)).status).toBe(200);
    expect(a.requests).toHaveLength(1);

    a.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'm', content: 'from a' }) }));
    // Pub/sub delivery is asynchronous but quick: the second replica lists it within moments.
    const deadline = Date.now() + 3000;
    let listed: Cooldown[] = [];
    while (Date.now() < deadline) {
      listed = (await (await admin(second, 'GET', '/cooldowns')).json()) as Cooldown[];
      if (listed.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(listed).toEqual([expect.objectContaining({ provider: 'shared-a', model: 'm', consecutiveFailures: 1 })]);
    expect(listed[0].timeRemainingMs).toBeGreaterThan(55_000);

    const viaSecond = await chat(second);
    expect(await viaSecond.json()).toMatchObject({ choices: [{ message: { content: 'from b' } }] });
    expect(a.requests).toHaveLength(1);

    expect((await admin(second, 'DELETE', '/cooldowns/shared-a?model=m')).status).toBe(200);
    const clearDeadline = Date.now() + 3000;
    while (
      Date.now() < clearDeadline &&
      ((await (await admin(first, 'GET', '/cooldowns')).json()) as Cooldown[]).length > 0
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await (await admin(first, 'GET', '/cooldowns')).json()).toEqual([]);
    expect(await (await chat(first)).json()).toMatchObject({ choices: [{ message: { content: 'from a' } }] });
  });

  it('a settings change on one replica reaches the other', async () => {
    expect((await admin(first, 'PATCH', '/config/timeout', { defaultSeconds: 42 })).status).toBe(200);
    const deadline = Date.now() + 3000;
    let seen: unknown;
    while (Date.now() < deadline) {
      seen = await (await admin(second, 'GET', '/config/timeout')).json();
      if ((seen as { defaultSeconds: number }).defaultSeconds === 42) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toEqual({ defaultSeconds: 42 });
  });
});
