import {
  ScriptedUpstream,
  TEST_POSTGRES_URL,
  chatCompletionBody,
  createTestDatabase,
  startGateway,
  type GatewayProcess,
  type TestDatabase,
} from '@plexus/testing';
import { Client } from 'pg';

const ADMIN_KEY = 'load-admin';
const KEY = 'sk-load-client';
const TOTAL = 10_000;
const CONCURRENCY = 32;

/**
 * The batched usage writer under load: 10,000 requests, with the database refusing every
 * connection for a while in the middle of them, and every one of them recorded once
 * (nothing dropped, nothing doubled) when it is back.
 */
describe('usage recording under load, through a database outage', () => {
  let database: TestDatabase;
  let upstream: ScriptedUpstream;
  let gateway: GatewayProcess;
  let databaseName: string;

  const serverQuery = async (sql: string): Promise<void> => {
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };

  const countRows = async (): Promise<number> => {
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const result = await pg.query<{ n: string; distinct_ids: string }>(
        'SELECT count(*) AS n, count(DISTINCT request_id) AS distinct_ids FROM request_usage',
      );
      expect(result.rows[0]?.n).toBe(result.rows[0]?.distinct_ids);
      return Number(result.rows[0]?.n);
    } finally {
      await pg.end();
    }
  };

  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  };

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createTestDatabase(), ScriptedUpstream.start()]);
    databaseName = new URL(database.url).pathname.slice(1);
    upstream.script(() => ({
      kind: 'json',
      body: chatCompletionBody({ model: 'load-model', content: 'ok', promptTokens: 7, completionTokens: 3 }),
    }));
    gateway = await startGateway({
      ADMIN_KEY,
      DATABASE_URL: database.url,
      MODEL_CATALOG_REFRESH: 'false',
      LOG_LEVEL: 'error',
    });
    const put = async (path: string, body: unknown): Promise<void> => {
      const response = await fetch(`${gateway.url}/v0/management${path}`, {
        method: 'PUT',
        headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    };
    await put('/providers/load', { api_base_url: `${upstream.url}/v1`, api_key: 'sk-upstream' });
    await put('/aliases/load', {
      target_groups: [{ name: 'only', selector: 'in_order', targets: [{ provider: 'load', model: 'load-model' }] }],
    });
    await put('/keys/load', { secret: KEY });
  });

  afterAll(async () => {
    await serverQuery(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await gateway?.stop();
    await upstream?.stop();
    await database?.drop();
  });

  it(`records all ${TOTAL} requests sent ${CONCURRENCY} at a time, although the database refused connections for a while`, async () => {
    upstream.requests.length = 0;
    const started = Date.now();
    let sent = 0;
    let failed = 0;
    let outage: Promise<void> = Promise.resolve();
    let outageMs = 0;
    let heldDuringOutage = 0;
    const body = JSON.stringify({ model: 'load', messages: [{ role: 'user', content: 'hi' }] });
    const worker = async (): Promise<void> => {
      while (sent < TOTAL) {
        sent++;
        // A third of the way in, the database goes away for a while and comes back.
        if (sent === Math.floor(TOTAL / 3)) {
          outage = (async () => {
            const from = Date.now();
            await serverQuery(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
            await serverQuery(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName}'`,
            );
            await new Promise((resolve) => setTimeout(resolve, 3000));
            heldDuringOutage = await metric('plexus_usage_buffer_depth');
            await serverQuery(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
            outageMs = Date.now() - from;
          })();
        }
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) failed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await outage;
    const sendingMs = Date.now() - started;

    let rows = await countRows();
    for (let tries = 0; tries < 100 && rows < TOTAL; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = await countRows();
    }
    process.stdout.write(
      `\n${TOTAL} requests (${CONCURRENCY} concurrent) in ${sendingMs} ms (${Math.round((TOTAL / sendingMs) * 1000)}/s), database refused connections for ${outageMs} ms (${heldDuringOutage} rows held in the buffer at its end); ${rows} usage rows written, ${failed} requests failed\n\n`,
    );
    expect(failed).toBe(0);
    expect(upstream.requests).toHaveLength(TOTAL);
    expect(outageMs).toBeGreaterThanOrEqual(3000);
    // The outage did hold writes back: rows waited in the buffer until the database returned.
    expect(heldDuringOutage).toBeGreaterThan(0);
    expect(rows).toBe(TOTAL);
    expect(await metric('plexus_usage_dropped_total')).toBe(0);
    expect(await metric('plexus_usage_buffer_depth')).toBe(0);
  }, 120_000);
});
