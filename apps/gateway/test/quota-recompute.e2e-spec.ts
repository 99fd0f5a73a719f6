import { createTestDatabase, startGateway, type GatewayProcess, type TestDatabase } from '@plexus/testing';
import { Client } from 'pg';

const ADMIN_KEY = 'recompute-admin';
const TEAM_SECRET = 'sk-recompute-team';

type Json = Record<string, unknown>;

describe('POST /v0/management/quota/recompute on the built gateway', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    key = ADMIN_KEY,
  ): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${gateway.url}/v0/management${path}`, {
      method,
      headers: { 'x-admin-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  const recompute = (key: string, quota: string): Promise<{ status: number; body: Json }> =>
    call('POST', '/quota/recompute', { key, quota });

  async function usageOf(key: string, quota: string): Promise<number> {
    const status = await call('GET', `/quota/status/${key}`);
    const entry = (status.body['quotas'] as Array<{ name: string; currentUsage: number }>).find(
      (candidate) => candidate.name === quota,
    );
    return entry?.currentUsage ?? NaN;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway({ ADMIN_KEY, DATABASE_URL: database.url });
    const setup: Array<[string, unknown]> = [
      ['/user-quotas/day-tokens', { type: 'daily', limitType: 'tokens', limit: 100000 }],
      ['/user-quotas/day-requests', { type: 'daily', limitType: 'requests', limit: 1000 }],
      ['/user-quotas/month-cost', { type: 'monthly', limitType: 'cost', limit: 100 }],
      ['/user-quotas/pool-requests', { type: 'daily', limitType: 'requests', limit: 1000, shared: true }],
      ['/user-quotas/hour-cost', { type: 'rolling', limitType: 'cost', limit: 10, duration: '1h' }],
      ['/user-quotas/hour-requests', { type: 'rolling', limitType: 'requests', limit: 100, duration: '1h' }],
      ['/user-quotas/unused', { type: 'daily', limitType: 'requests', limit: 5 }],
      [
        '/keys/team',
        {
          secret: TEAM_SECRET,
          quotas: ['day-tokens', 'day-requests', 'month-cost', 'pool-requests', 'hour-cost', 'hour-requests'],
        },
      ],
      ['/keys/other', { secret: 'sk-recompute-other', quotas: ['pool-requests'] }],
    ];
    for (const [path, body] of setup) expect((await call('PUT', path, body)).status).toBe(200);

    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      // Today (UTC): two successes and a failure of team, one success of other; yesterday: one success of team.
      await db.query(
        `INSERT INTO request_usage (request_id, start_time, api_key, incoming_api_type, response_status, tokens_input, tokens_output, tokens_cached, tokens_cache_write, cost_total, retry_history)
         VALUES (gen_random_uuid(), now() - interval '2 seconds', 'team', 'chat', 'success', 100, 50, 10, 5, 0.5, '[]'),
                (gen_random_uuid(), now() - interval '1 second', 'team', 'chat', 'success', 1000, 200, 0, 0, 1.25, '[]'),
                (gen_random_uuid(), now() - interval '1 second', 'team', 'chat', 'error', 999, 999, 0, 0, 9, '[]'),
                (gen_random_uuid(), now() - interval '1 second', 'other', 'chat', 'success', 7, 7, 0, 0, 0.01, '[]'),
                (gen_random_uuid(), date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 hour', 'team', 'chat', 'success', 5000, 5000, 0, 0, 3, '[]')`,
      );
    } finally {
      await db.end();
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it("rebuilds a calendar quota from the key's successful requests in the current window, and status shows it", async () => {
    expect(await usageOf('team', 'day-tokens')).toBe(0);
    const dayStart = new Date();
    dayStart.setUTCHours(0, 0, 0, 0);
    const response = await recompute('team', 'day-tokens');
    expect(response).toEqual({
      status: 200,
      body: {
        success: true,
        key: 'team',
        quota: 'day-tokens',
        usage: 1365,
        windowStartMs: dayStart.getTime(),
        message: "Quota 'day-tokens' of 'team' recomputed from 2 successful requests",
      },
    });
    expect(await usageOf('team', 'day-tokens')).toBe(1365);

    expect((await recompute('team', 'day-requests')).body).toMatchObject({ usage: 2 });
    expect(await usageOf('team', 'day-requests')).toBe(2);
  });

  it('a shared quota counts every key holding it; a rolling cost quota replays the last duration through its bucket', async () => {
    expect((await recompute('team', 'pool-requests')).body).toMatchObject({ usage: 3 });
    expect(await usageOf('other', 'pool-requests')).toBe(3);

    const rolling = await recompute('team', 'hour-cost');
    expect(rolling.status).toBe(200);
    expect(rolling.body['usage']).toBeGreaterThan(1.7);
    expect(rolling.body['usage']).toBeLessThanOrEqual(1.75);
    expect(Date.now() - (rolling.body['windowStartMs'] as number)).toBeGreaterThanOrEqual(3_600_000);
  });

  it('a later recompute replaces the stored figure rather than adding to it', async () => {
    expect((await recompute('team', 'day-tokens')).body).toMatchObject({ usage: 1365 });
    expect(await usageOf('team', 'day-tokens')).toBe(1365);
  });

  it('refuses rolling request quotas, unattached quotas, missing fields (400) and unknown keys (404)', async () => {
    const rolling = await recompute('team', 'hour-requests');
    expect(rolling.status).toBe(400);
    expect(rolling.body).toMatchObject({ error: { type: 'unsupported_quota_type' } });
    const unattached = await recompute('team', 'unused');
    expect(unattached.status).toBe(400);
    expect(unattached.body).toMatchObject({ error: { type: 'quota_not_attached' } });
    const missing = await call('POST', '/quota/recompute', { key: 'team' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      error: 'Validation failed',
      details: expect.arrayContaining([expect.objectContaining({ path: ['quota'] })]),
    });
    expect((await recompute('ghost', 'day-tokens')).status).toBe(404);
  });

  it('is admin only', async () => {
    expect((await call('POST', '/quota/recompute', { key: 'team', quota: 'day-tokens' }, TEAM_SECRET)).status).toBe(
      403,
    );
  });
});
