import {
  callManagement,
  chatCompletionBody,
  createTestDatabase,
  ScriptedUpstream,
  startGateway,
  TEST_POSTGRES_URL,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const ADMIN_KEY = 'replicas-admin';
const REDIS_URL = process.env['PLEXUS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** What the issue promises: a change works (or stops working) on every replica within a second. */
const PROPAGATION_LIMIT_MS = 1000;
/** Three Node processes booting at once on a busy two-core machine. */
const BOOT_MS = 120_000;

function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<Response> {
  return callManagement(gateway.url, ADMIN_KEY, method, path, body);
}

async function configure(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<void> {
  const response = await admin(gateway, method, path, body);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

function chat(gateway: GatewayProcess, secret: string, model: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
  });
}

/** Milliseconds until `gateway` answers `secret`/`model` with `status` (polled every 10 ms), or -1 past `limitMs`. */
async function msUntil(
  gateway: GatewayProcess,
  secret: string,
  model: string,
  status: number,
  since: number,
  limitMs: number,
): Promise<number> {
  for (;;) {
    const response = await chat(gateway, secret, model);
    await response.arrayBuffer();
    const elapsed = performance.now() - since;
    if (response.status === status) return elapsed;
    if (elapsed > limitMs) return -1;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function count(responses: Response[], status: number): number {
  return responses.filter((response) => response.status === status).length;
}

function report(line: string): void {
  process.stdout.write(`replicas e2e: ${line}\n`);
}

describe.each([
  { transport: 'Redis pub/sub', redis: true },
  { transport: 'PostgreSQL LISTEN/NOTIFY', redis: false },
])('three gateway replicas on one PostgreSQL database ($transport)', ({ transport, redis }) => {
  // Redis outlives test runs: names unique to this run.
  const run = randomBytes(4).toString('hex');
  const provider = `up-${run}`;
  const alias = `fast-${run}`;
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createTestDatabase(), ScriptedUpstream.start()]);
    upstream.script(() => ({ kind: 'json', body: chatCompletionBody({ model: 'm', content: 'ok' }) }));
    // A reconcile interval far beyond the one-second promise: only the transport can keep it.
    const env = {
      ADMIN_KEY,
      DATABASE_URL: database.url,
      CONFIG_RECONCILE_SECONDS: '60',
      SHUTDOWN_DELAY_SECONDS: '0',
      ...(redis && { REDIS_URL }),
    };
    // Started together: the migrations run once (advisory lock), whichever replica comes first.
    replicas = await Promise.all([startGateway(env, BOOT_MS), startGateway(env, BOOT_MS), startGateway(env, BOOT_MS)]);
    // One untimed request through each replica first: the timings below are propagation, not a cold start.
    const [first] = replicas;
    await configure(first, 'PUT', `/providers/warm-${run}`, { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' });
    await configure(first, 'PUT', `/aliases/warm-${run}`, {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: `warm-${run}`, model: 'm' }] }],
    });
    await configure(first, 'PUT', `/keys/warm-${run}`, { secret: `sk-warm-${run}` });
    const warm = performance.now();
    for (const replica of replicas) await msUntil(replica, `sk-warm-${run}`, `warm-${run}`, 200, warm, 30_000);
  }, BOOT_MS + 40_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await upstream?.stop();
    await database?.drop();
  });

  it('a provider, alias, quota and key created on one replica work on the other two within a second', async () => {
    const [first, ...others] = replicas;
    await configure(first, 'PUT', `/providers/${provider}`, { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' });
    await configure(first, 'PUT', `/aliases/${alias}`, {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider, model: 'm' }] }],
    });
    await configure(first, 'PUT', `/user-quotas/lots-${run}`, { type: 'daily', limitType: 'requests', limit: 1000 });
    await configure(first, 'PUT', `/keys/k-${run}`, { secret: `sk-k-${run}`, quotas: [`lots-${run}`] });
    const changed = performance.now();
    const elapsed = await Promise.all(
      others.map((replica) => msUntil(replica, `sk-k-${run}`, alias, 200, changed, PROPAGATION_LIMIT_MS)),
    );
    report(
      `${transport}: new provider+alias+quota+key usable on the other replicas after ${elapsed.map((ms) => ms.toFixed(0)).join(' / ')} ms`,
    );
    for (const ms of elapsed) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS);
    }
  });

  it('measures a key change reaching the other replicas, ten times', async () => {
    const [first, second, third] = replicas;
    const samples: number[] = [];
    for (let index = 0; index < 10; index++) {
      const secret = `sk-m${index}-${run}`;
      await configure(first, 'PUT', `/keys/m${index}-${run}`, { secret });
      const changed = performance.now();
      const [onSecond, onThird] = await Promise.all([
        msUntil(second, secret, alias, 200, changed, PROPAGATION_LIMIT_MS),
        msUntil(third, secret, alias, 200, changed, PROPAGATION_LIMIT_MS),
      ]);
      samples.push(onSecond, onThird);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    report(
      `${transport}: key change propagation over 20 samples: median ${sorted[10].toFixed(1)} ms, max ${sorted[19].toFixed(1)} ms`,
    );
    expect(sorted[0]).toBeGreaterThanOrEqual(0);
    expect(sorted[19]).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it('a disabled key and a deleted key fail on all three replicas within a second', async () => {
    const [first, second, third] = replicas;
    await configure(second, 'PUT', `/keys/doomed-${run}`, { secret: `sk-doomed-${run}` });
    await configure(second, 'PUT', `/keys/paused-${run}`, { secret: `sk-paused-${run}` });
    const created = performance.now();
    for (const replica of replicas)
      expect(
        await msUntil(replica, `sk-paused-${run}`, alias, 200, created, PROPAGATION_LIMIT_MS),
      ).toBeGreaterThanOrEqual(0);

    await configure(first, 'POST', `/keys/paused-${run}/disable`);
    await configure(third, 'DELETE', `/keys/doomed-${run}`);
    const revoked = performance.now();
    const elapsed = await Promise.all(
      replicas.flatMap((replica) => [
        msUntil(replica, `sk-paused-${run}`, alias, 401, revoked, PROPAGATION_LIMIT_MS),
        msUntil(replica, `sk-doomed-${run}`, alias, 401, revoked, PROPAGATION_LIMIT_MS),
      ]),
    );
    report(`${transport}: disabled/deleted key refused everywhere after at most ${Math.max(...elapsed).toFixed(0)} ms`);
    for (const ms of elapsed) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS);
    }
  });

  it('a replica cut off from the change transport catches up when it reconnects', async () => {
    const [first, , third] = replicas;
    // Cut the third replica's notification connection, then change the configuration while it is down.
    await cutOff(third, redis);
    await configure(first, 'PUT', `/keys/missed-${run}`, { secret: `sk-missed-${run}` });
    const changed = performance.now();
    // Reconnecting reconciles from the database (the reconcile interval is a minute here).
    const caughtUp = await msUntil(third, `sk-missed-${run}`, alias, 200, changed, 10_000);
    report(
      `${transport}: a replica cut off from the transport had the missed change ${caughtUp.toFixed(0)} ms after it`,
    );
    expect(caughtUp).toBeGreaterThanOrEqual(0);

    await configure(first, 'PUT', `/keys/after-${run}`, { secret: `sk-after-${run}` });
    const again = performance.now();
    expect(await msUntil(third, `sk-after-${run}`, alias, 200, again, PROPAGATION_LIMIT_MS)).toBeGreaterThanOrEqual(0);
  });

  if (!redis) return;

  it('a request quota of N across the three replicas admits exactly N', async () => {
    const [first] = replicas;
    await configure(first, 'PUT', `/user-quotas/thirty-${run}`, { type: 'daily', limitType: 'requests', limit: 30 });
    await configure(first, 'PUT', `/keys/q-${run}`, { secret: `sk-q-${run}`, quotas: [`thirty-${run}`] });
    const created = performance.now();
    for (const replica of replicas)
      expect(await msUntil(replica, `sk-q-${run}`, alias, 200, created, PROPAGATION_LIMIT_MS)).toBeGreaterThanOrEqual(
        0,
      );
    await configure(first, 'POST', '/quota/clear', { key: `q-${run}` });

    const answers = await Promise.all(
      Array.from({ length: 90 }, (_, index) => chat(replicas[index % 3], `sk-q-${run}`, alias)),
    );
    expect(count(answers, 200)).toBe(30);
    expect(count(answers, 429)).toBe(60);
  });

  it('performance samples recorded on one replica reach the statistics of the others', async () => {
    const [first, second, third] = replicas;
    await configure(first, 'PUT', `/providers/perf-${run}`, { api_base_url: `${upstream.url}/v1`, api_key: 'sk-up' });
    await configure(first, 'PUT', `/aliases/perf-${run}`, {
      target_groups: [{ name: 'g', selector: 'in_order', targets: [{ provider: `perf-${run}`, model: 'm' }] }],
    });
    const samples = async (replica: GatewayProcess): Promise<number> => {
      const rows = (await (await admin(replica, 'GET', `/performance?provider=perf-${run}`)).json()) as Array<{
        sample_count: number;
      }>;
      return rows.reduce((total, row) => total + row.sample_count, 0);
    };
    for (let index = 0; index < 5; index++) expect((await chat(first, `sk-k-${run}`, `perf-${run}`)).status).toBe(200);
    const deadline = performance.now() + 3000;
    while ((await samples(second)) + (await samples(third)) < 10 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect([await samples(first), await samples(second), await samples(third)]).toEqual([5, 5, 5]);
  });

  it('a cooldown opened on one replica is honoured by the other two', async () => {
    const [first, second, third] = replicas;
    const flaky = await ScriptedUpstream.start();
    try {
      flaky.script(() => ({
        kind: 'json',
        status: 429,
        body: { error: { message: 'slow down' } },
        headers: { 'retry-after': '60' },
      }));
      await configure(first, 'PUT', `/providers/flaky-${run}`, { api_base_url: `${flaky.url}/v1`, api_key: 'sk-f' });
      await configure(first, 'PUT', `/aliases/duo-${run}`, {
        target_groups: [
          {
            name: 'g',
            selector: 'in_order',
            targets: [
              { provider: `flaky-${run}`, model: 'm' },
              { provider, model: 'm' },
            ],
          },
        ],
      });
      const secret = `sk-k-${run}`;
      expect((await chat(first, secret, `duo-${run}`)).status).toBe(200);
      expect(flaky.requests).toHaveLength(1);
      // Cooldowns travel by Redis pub/sub too: give it the same second.
      await new Promise((resolve) => setTimeout(resolve, PROPAGATION_LIMIT_MS));
      for (const replica of [second, third]) expect((await chat(replica, secret, `duo-${run}`)).status).toBe(200);
      expect(flaky.requests).toHaveLength(1);
    } finally {
      await admin(first, 'DELETE', '/cooldowns');
      await flaky.stop();
    }
  });
});

/** Kills the replica's notification connection at the server (CLIENT KILL, or pg_terminate_backend). */
async function cutOff(replica: GatewayProcess, redis: boolean): Promise<void> {
  if (redis) {
    const client = new Redis(REDIS_URL);
    try {
      const list = (await client.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=plexus-${replica.pid}-`))
        .map((line) => /^id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await client.client('KILL', 'ID', id);
    } finally {
      client.disconnect();
    }
    return;
  }
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1`,
      [`plexus-config-listener-${replica.pid}`],
    );
    expect(result.rows).toEqual([{ terminated: true }]);
  } finally {
    await client.end();
  }
}
