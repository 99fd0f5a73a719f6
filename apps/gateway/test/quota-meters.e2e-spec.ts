import {
  callManagement,
  ScriptedUpstream,
  chatCompletionBody,
  createTestDatabase,
  startGateway,
  GATEWAY_MAIN,
  type GatewayProcess,
  type RecordedRequest,
  type ScriptedReply,
  type TestDatabase,
} from '@plexus/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN_KEY = 'meters-admin';
const CLIENT_KEY = 'sk-meters-client';
const PROVIDER_KEY = 'sk-upstream-secret-a';

interface Snapshot {
  checkerId: string;
  checkerType: string;
  provider: string;
  success: boolean;
  error?: string;
  meters: Array<Record<string, unknown>>;
}

describe('provider quota meters through the built gateway (embedded database)', () => {
  let dataDir: string;
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gateway: GatewayProcess;
  /** What prov-a's (upstream a) and prov-c's (upstream b) quota endpoints report; chat always answers. */
  let quotaReply: () => ScriptedReply;
  let quotaReplyC: () => ScriptedReply;

  function admin(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<Response> {
    return callManagement(gateway.url, key, method, path, body);
  }

  async function json<T>(response: Response, status = 200): Promise<T> {
    expect(response.status).toBe(status);
    return (await response.json()) as T;
  }

  async function answeredBy(model = 'duo'): Promise<string> {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    return body.choices[0]?.message.content ?? '';
  }

  /** The attempt history of one request, as GET /usage lists it (written in batches). */
  async function attemptsOf(requestId: string): Promise<Array<Record<string, unknown>>> {
    for (let tries = 0; tries < 100; tries++) {
      const list = await json<{ data: Array<{ requestId: string; retryHistory: string | null }> }>(
        await admin('GET', '/usage?limit=100'),
      );
      const record = list.data.find((row) => row.requestId === requestId);
      if (record) return record.retryHistory ? (JSON.parse(record.retryHistory) as Array<Record<string, unknown>>) : [];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no usage record for ${requestId}`);
  }

  async function chat(
    model: string,
  ): Promise<{ status: number; body: string; requestId: string; retryAfter: string | null }> {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    return {
      status: response.status,
      body: await response.text(),
      requestId: response.headers.get('x-request-id') ?? '',
      retryAfter: response.headers.get('retry-after'),
    };
  }

  const chatRequests = (upstream: ScriptedUpstream): RecordedRequest[] =>
    upstream.requests.filter((request) => request.path.startsWith('/v1/chat'));

  function fiveHour(remaining: number, resetAt: Date): ScriptedReply {
    return { kind: 'json', body: { rollingFiveHourLimit: { max: 100, remaining, nextTickAt: resetAt.toISOString() } } };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'plexus-meters-'));
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    quotaReply = () => fiveHour(90, new Date(Date.now() + 3_600_000));
    a.script((request) =>
      request.path.startsWith('/v2/quotas')
        ? quotaReply()
        : { kind: 'json', body: chatCompletionBody({ model: 'm-a', content: 'from a' }) },
    );
    quotaReplyC = () => fiveHour(50, new Date(Date.now() + 3_600_000));
    b.script((request) => {
      if (request.path.startsWith('/v2/quotas')) return quotaReplyC();
      const model = (request.body as { model?: string } | undefined)?.model ?? 'm-b';
      return { kind: 'json', body: chatCompletionBody({ model, content: model === 'm-c' ? 'from c' : 'from b' }) };
    });
    gateway = await startGateway({ ADMIN_KEY, DATA_DIR: dataDir });
    const setup: Array<[string, unknown]> = [
      [
        '/providers/prov-a',
        {
          api_base_url: `${a.url}/v1`,
          api_key: PROVIDER_KEY,
          quota_checker: { type: 'synthetic', intervalMinutes: 30, options: { endpoint: `${a.url}/v2/quotas` } },
        },
      ],
      ['/providers/prov-b', { api_base_url: `${b.url}/v1`, api_key: 'sk-b' }],
      [
        '/providers/prov-c',
        {
          api_base_url: `${b.url}/v1`,
          api_key: 'sk-c',
          quota_checker: { type: 'synthetic', options: { endpoint: `${b.url}/v2/quotas` } },
        },
      ],
      [
        '/aliases/ranked',
        {
          target_groups: [
            {
              name: 'g',
              selector: 'quota',
              targets: [
                { provider: 'prov-c', model: 'm-c' },
                { provider: 'prov-a', model: 'm-a' },
              ],
            },
          ],
        },
      ],
      [
        '/aliases/solo',
        { target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: 'prov-a', model: 'm-a' }] }] },
      ],
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
      ['/keys/client', { secret: CLIENT_KEY }],
    ];
    for (const [path, body] of setup) expect((await admin('PUT', path, body)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the checker types and the configured checker', async () => {
    const types = await json<{ types: string[]; count: number }>(await admin('GET', '/quota-checker-types'));
    expect(types.count).toBe(12);
    expect(types.types).toEqual(
      expect.arrayContaining(['openrouter', 'claude-code', 'openai-codex', 'copilot', 'synthetic', 'zai']),
    );

    const checkers = await json<{
      knownTypes: Array<{ type: string; displayName: string }>;
      configured: Array<Record<string, unknown>>;
    }>(await admin('GET', '/quota-checkers'));
    expect(checkers.knownTypes).toContainEqual({ type: 'copilot', displayName: 'GitHub Copilot' });
    expect(checkers.configured).toEqual([
      expect.objectContaining({
        checkerId: 'prov-a',
        checkerType: 'synthetic',
        displayName: 'prov-a',
        pending: expect.any(Boolean),
      }),
      expect.objectContaining({ checkerId: 'prov-c', checkerType: 'synthetic' }),
    ]);
  });

  it('refuses a provider whose quota_checker is not a known type or has a bad interval', async () => {
    const response = await admin('PUT', '/providers/prov-bad', {
      api_base_url: `${b.url}/v1`,
      api_key: 'sk-x',
      quota_checker: { type: 'no-such-checker', intervalMinutes: 0 },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; details: Array<{ path: string[] }> };
    expect(body.error).toBe('Validation failed');
    expect(body.details.map((detail) => detail.path.join('.'))).toEqual(
      expect.arrayContaining(['quota_checker.type', 'quota_checker.intervalMinutes']),
    );
  });

  it('checks on demand, serves the latest reading and its history; 404 for an unknown checker', async () => {
    const checked = await json<Snapshot>(await admin('POST', '/quotas/prov-a/check'));
    expect(checked).toMatchObject({ checkerId: 'prov-a', checkerType: 'synthetic', provider: 'prov-a', success: true });
    expect(checked.meters).toEqual([
      expect.objectContaining({
        key: 'rolling_5h',
        kind: 'allowance',
        unit: 'requests',
        limit: 100,
        used: 10,
        remaining: 90,
        utilizationPercent: 10,
        status: 'ok',
        exhaustionThreshold: 99,
      }),
    ]);
    const quotaCall = a.requests.filter((request) => request.path.startsWith('/v2/quotas')).at(-1);
    expect(quotaCall?.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);

    const all = await json<Snapshot[]>(await admin('GET', '/quotas'));
    expect(all.map((snapshot) => snapshot.checkerId)).toEqual(['prov-a', 'prov-c']);
    expect(await json<Snapshot>(await admin('GET', '/quotas/prov-a'))).toMatchObject({
      checkerId: 'prov-a',
      success: true,
    });
    expect((await admin('GET', '/quotas/nope')).status).toBe(404);
    expect((await admin('POST', '/quotas/nope/check')).status).toBe(404);

    const history = await json<{
      checkerId: string;
      meterKey: string | null;
      since: string | null;
      history: Array<Record<string, unknown>>;
    }>(await admin('GET', '/quotas/prov-a/history?meterKey=rolling_5h&since=7d'));
    expect(history.checkerId).toBe('prov-a');
    expect(history.meterKey).toBe('rolling_5h');
    expect(Date.parse(history.since ?? '')).toBeLessThan(Date.now() - 6 * 86_400_000);
    expect(history.history.length).toBeGreaterThanOrEqual(1);
    expect(history.history[0]).toMatchObject({
      checkerId: 'prov-a',
      checkerType: 'synthetic',
      meterKey: 'rolling_5h',
      utilizationState: 'reported',
      utilizationPercent: 10,
      success: true,
      errorMessage: null,
    });
    const bad = await admin('GET', '/quotas/prov-a/history?since=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'Validation failed',
      details: [expect.objectContaining({ path: ['since'] })],
    });
  });

  it('a failing upstream is recorded as a failed check, with the provider key masked', async () => {
    quotaReply = () => ({ kind: 'json', status: 403, body: { error: `key ${PROVIDER_KEY} is not allowed` } });
    const failed = await json<Snapshot>(await admin('POST', '/quotas/prov-a/check'));
    expect(failed).toMatchObject({ success: false, meters: [] });
    expect(failed.error).toContain('HTTP 403');
    const everything = await Promise.all(
      ['/quotas', '/quota-checkers', '/quotas/prov-a/history'].map(async (path) => (await admin('GET', path)).text()),
    );
    for (const text of everything) expect(text).not.toContain(PROVIDER_KEY);
    expect(await answeredBy()).toBe('from a');
  });

  it('routes around the provider its checker reports exhausted, and back once the window resets', async () => {
    const reset = new Date(Date.now() + 12_000);
    quotaReply = () => fiveHour(0, reset);
    const exhausted = await json<Snapshot>(await admin('POST', '/quotas/prov-a/check'));
    expect(exhausted.meters[0]).toMatchObject({ status: 'exhausted', utilizationPercent: 100 });

    a.requests.length = 0;
    for (let i = 0; i < 4; i++) expect(await answeredBy()).toBe('from b');
    expect(chatRequests(a)).toHaveLength(0);

    const routedAround = await chat('duo');
    expect(routedAround.status).toBe(200);
    const refused = await chat('solo');
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    const message = (JSON.parse(refused.body) as { error: { message: string; code: string } }).error;
    expect(message).toMatchObject({
      code: 'no_healthy_target',
      message: expect.stringMatching(
        /^Every target for model 'solo' is over its provider quota until the quota window resets; retry in \d+ s$/,
      ),
    });
    expect(await attemptsOf(routedAround.requestId)).toEqual([
      { index: 0, provider: 'prov-a', model: 'm-a', apiType: 'chat', status: 'skipped', reason: 'quota_exhausted' },
      expect.objectContaining({ provider: 'prov-b', status: 'success' }),
    ]);
    expect(await attemptsOf(refused.requestId)).toEqual([
      { index: 0, provider: 'prov-a', model: 'm-a', apiType: 'chat', status: 'skipped', reason: 'quota_exhausted' },
    ]);
    expect(chatRequests(a)).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, reset.getTime() - Date.now()) + 500));
    expect(await answeredBy()).toBe('from a');
  }, 30_000);

  it('the quota selector sends traffic to the provider with the most headroom before its reset', async () => {
    const reset = new Date(Date.now() + 3_600_000);
    quotaReply = () => fiveHour(90, reset);
    quotaReplyC = () => fiveHour(20, reset);
    expect((await admin('POST', '/quotas/prov-a/check')).status).toBe(200);
    expect((await admin('POST', '/quotas/prov-c/check')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect(await answeredBy('ranked')).toBe('from a');

    quotaReply = () => fiveHour(30, reset);
    quotaReplyC = () => fiveHour(80, reset);
    expect((await admin('POST', '/quotas/prov-a/check')).status).toBe(200);
    expect((await admin('POST', '/quotas/prov-c/check')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect(await answeredBy('ranked')).toBe('from c');
  });

  it('is admin-only', async () => {
    expect((await fetch(`${gateway.url}/v0/management/quotas`)).status).toBe(401);
    for (const path of ['/quotas', '/quota-checkers', '/quota-checker-types', '/quotas/prov-a/history']) {
      expect((await admin('GET', path, undefined, CLIENT_KEY)).status).toBe(403);
    }
    expect((await admin('POST', '/quotas/prov-a/check', undefined, CLIENT_KEY)).status).toBe(403);
  });
});

describe('plexus migrate-quota-snapshots as a process', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database.drop());

  function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [GATEWAY_MAIN, 'migrate-quota-snapshots'], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }

  it('exits 0 with one line when there is no legacy table, and 1 without DATABASE_URL', async () => {
    expect(await run({ DATABASE_URL: database.url })).toEqual({
      code: 0,
      stdout: 'plexus: no quota_snapshots table: nothing to migrate\n',
      stderr: '',
    });
    const missing = await run({});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'plexus: failed: migrate-quota-snapshots needs DATABASE_URL (the database holding quota_snapshots)\n',
    );
  }, 60_000);
});
